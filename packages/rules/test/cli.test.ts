// The CLI contract: one JSON document on stdout; exit 0 / 1 (rule errors) / 2 (unusable file).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const flags = major > 23 || (major === 23 && minor >= 6) ? [] : ["--experimental-strip-types"];
const dir = mkdtempSync(join(tmpdir(), "tally-cli-"));

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [...flags, cli, ...args], { encoding: "utf8", env: { ...process.env, INIT_CWD: dir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: unknown): string {
  writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  return name; // relative: resolved against INIT_CWD, as under `pnpm -s tally`
}

// Each test starts a Node process: seconds on a busy 2-core machine, so a minute each.
describe("tally CLI", { timeout: 60_000 }, () => {
  it("simulate prints exactly one JSON document and exits 0", () => {
    const f = file("ok.json", {
      rules: 'earn "Spend" on invoice.paid { rate 1 point per $10 }',
      events: [
        {
          id: "e1",
          type: "invoice.paid",
          at: "2026-01-05T15:00:00Z",
          member: "m1",
          invoice: { id: "i1", lines: [{ code: "X", amount: "15.00" }] },
        },
      ],
    });
    const r = tally("simulate", f);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ awards: [{ event: "e1", member: "m1", rule: "Spend", points: 1 }], balances: { m1: 1 } });
  });

  it("simulate with rule errors prints {errors} and exits 1", () => {
    const r = tally(
      "simulate",
      file("bad.json", { rules: 'earn "S" on invoice.paid when invoice.total > 5 { rate 1 point per $10 }', events: [] }),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      errors: [{ line: 1, column: 47, message: "cannot compare money (invoice.total) and a plain number (5)", hint: "write $5" }],
    });
  });

  it("a malformed scenario gets a clear message on stderr and exit 2", () => {
    const r = tally(
      "simulate",
      file("malformed.json", { rules: 1, events: [{ id: "e1", type: "invoice.payd", at: "yesterday", member: "m1" }] }),
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("rules: must be a text");
    expect(r.stderr).toContain("events[0].at");
    expect(r.stderr).toContain('events[0].type: "invoice.payd" is not an event');
    expect(tally("simulate", file("notjson.json", "{ nope")).code).toBe(2);
    expect(tally("simulate", "missing.json").code).toBe(2);
  });

  it("check prints diagnostics with carets and exits 1 on errors, ok and 0 otherwise", () => {
    const bad = tally("check", file("bad.rules", 'reward "R" on visit.checked_in {\n  award 1 point to referrer\n}\n'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("error[REFERRER_OUTSIDE_REFERRAL]");
    expect(bad.stdout).toContain("2 |   award 1 point to referrer");
    expect(bad.stdout).toMatch(/\n\s+\|\s+\^+/);
    const good = tally("check", file("good.rules", 'reward "R" on visit.checked_in { award 1 point }\n'));
    expect(good.code).toBe(0);
    expect(good.stdout).toBe("ok: 1 rule\n");
  });
  it("check: an empty rule set is a warning; the command says so and exits 0", () => {
    const r = tally("check", file("empty.rules", "# nothing yet\n"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("the rule set is empty");
    expect(r.stdout).toContain("ok: 0 rules, 1 warning");
  });
});
