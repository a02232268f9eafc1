// The admin guide's examples must be valid rules: every code block that holds rules is checked.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check, describeRule, format, parse } from "../src/index.ts";

const guide = new URL("../../../docs/rules-language.md", import.meta.url);

describe("docs/rules-language.md", () => {
  it("exists", () => {
    expect(existsSync(guide)).toBe(true);
  });
  const text = existsSync(guide) ? readFileSync(guide, "utf8") : "";
  const blocks = [...text.matchAll(/```\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => /^\s*(#.*\n\s*)*(earn|reward|instant|milestone|expire|tiers)\b/.test(b));
  it("has rule examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });
  blocks.forEach((block, i) => {
    it(`example ${i + 1} checks clean and describes every rule`, () => {
      const r = check(block);
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      for (const rule of r.ast.rules) expect(describeRule(rule).length).toBeGreaterThan(10);
      expect(parse(format(r.ast)).diagnostics).toEqual([]);
    });
  });
});
