// Every acceptance scenario: the shared folder (read at test time, so new ones are picked up)
// united with the vendored copy in test/scenarios (the shared file wins on the same name).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulate } from "../src/index.ts";
import { compareExpect } from "./scenario-compare.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
const shared = resolve(repoRoot, "..", "shared", "scenarios");
const vendored = join(here, "scenarios");

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

const files = new Map<string, string>();
for (const f of jsonFiles(vendored)) files.set(f, join(vendored, f));
if (existsSync(shared)) for (const f of jsonFiles(shared)) files.set(f, join(shared, f));
else console.warn(`shared scenarios not found at ${shared}; running the ${files.size} vendored ones`);

describe("acceptance scenarios", () => {
  it("finds scenarios to run", () => {
    expect(files.size).toBeGreaterThan(0);
  });

  for (const [name, path] of [...files].sort()) {
    it(name, () => {
      const scenario = JSON.parse(readFileSync(path, "utf8")) as { expect?: Record<string, unknown> };
      const out = simulate(scenario) as unknown as Record<string, unknown>;
      expect(compareExpect(scenario.expect ?? {}, out)).toEqual([]);
      if (!("errors" in out)) {
        // SPEC 6's keys, plus `tiers` and `expirations` only when the rule set declares them (SPEC 7).
        const rules = (scenario as { rules?: string }).rules ?? "";
        expect(Object.keys(out)).toEqual([
          "awards",
          "reversals",
          "coupons",
          "phases",
          "pending",
          "redemptions",
          "adjustments",
          "rejected",
          ...(/^\s*tiers\b/m.test(rules) ? ["tiers"] : []),
          ...(/^\s*expire\b/m.test(rules) ? ["expirations"] : []),
          "balances",
        ]);
      }
    });
  }
});
