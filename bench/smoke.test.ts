// Every benchmark's code path at a small size (CI): each script runs to the end and prints its
// figures, so a change that breaks a benchmark is found by `npm test`, not at the next measurement.
// The figures themselves come from full runs by hand (README.md). Needs PostgreSQL (DATABASE_URL)
// for the import and patient benchmarks, and the apps built (npm test builds them first) for pages.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const here = import.meta.dirname;
const run = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, [join(here, script), ...args], { cwd: join(here, ".."), encoding: "utf8", timeout: 240_000 });
  assert.equal(r.status, 0, `${script} exited with ${r.status}:\n${r.stderr.slice(-3000)}`);
  return `${r.stdout}\n${r.stderr}`;
};
const postgres = Boolean(process.env.DATABASE_URL);

test("rules engine benchmark", () => {
  const out = run("rules.bench.ts", ["--events", "2000", "--members", "50", "--jre-events", "500", "--rounds", "1"]);
  assert.match(out, /"tally_eps":\d+/);
});

test("rules engine benchmark, --expiry (lots and redemptions)", () => {
  const out = run("rules.bench.ts", ["--expiry", "--events", "20000", "--members", "50", "--rounds", "1"]);
  assert.match(out, /"case":"expiry".*"tally_eps":\d+/);
  assert.match(out, /"lots":[1-9]\d*/);
});

test("API benchmark (balance and kiosk check-in)", () => {
  const out = run("api.bench.ts", [
    "--duration",
    "1",
    "--connections",
    "4",
    "--targets",
    "balance,checkin",
    "--engines",
    postgres ? "pglite,postgres" : "pglite",
  ]);
  assert.match(out, /check-in: \d+ req\/s.*errors 0, non-2xx 0/);
});

test("invoice import benchmark: exactly once at 2,000 lines", () => {
  assert.ok(postgres, "the benchmarks' smoke test runs in the PostgreSQL pass (DATABASE_URL)");
  const out = run("import.bench.ts", ["--lines", "2000", "--members", "20"]);
  assert.match(out, /exactly-once: holds/);
});

test("patient import benchmark at 300 rows", () => {
  const out = run("patients.bench.ts", ["--rows", "300"]);
  assert.match(out, /exactly-once: holds/);
});

test("page benchmark through the apps", () => {
  assert.ok(existsSync(join(here, "../apps/admin/build")), "build the apps first (npm test does)");
  const out = run("pages.bench.ts", ["--duration", "1", "--users", "2"]);
  assert.match(out, /kiosk check-in → welcome \| \d+ \|/);
  // No page had errors (the bench names a failing page's first error below its table).
  assert.doesNotMatch(out, /\| [1-9]\d* \|\n|first error/, out);
});

test("message drain benchmark: 200 queued emails, worker killed halfway, at most once", () => {
  assert.ok(postgres, "the benchmarks' smoke test runs in the PostgreSQL pass (DATABASE_URL)");
  const out = run("messages.bench.ts", ["--messages", "200"]);
  assert.match(out, /at-most-once: holds; concurrency bound: holds/);
  assert.match(out, /"delivered_twice":0/);
});

test("scale benchmark at 1/100 size: the large practice's reports agree with its ledger", () => {
  assert.ok(postgres, "the benchmarks' smoke test runs in the PostgreSQL pass (DATABASE_URL)");
  const out = run("scale.bench.ts", ["--scale", "0.01", "--rounds", "1"]);
  // Every row is timed at both sizes (a row without a number at either size would print NaN).
  for (const row of [
    "reports page, 12 months",
    "reports through the API, 30 days ending now",
    "member profile",
    "portal home",
    "kiosk check-in (idle)",
    "birthdays job (per member celebrated)",
    "birthdays job with nothing to send",
  ])
    assert.ok(
      new RegExp(`\\| ${row.replace(/[()]/g, "\\$&")}[^|]* \\| [\\d.]+ ms \\| [\\d.]+ ms \\|`).test(out),
      `row "${row}" in:\n${out}`,
    );
  assert.doesNotMatch(out, /NaN/);
  const checks = JSON.parse(out.split("\n").find((l) => l.startsWith('{"events"'))!);
  assert.equal(checks.events, 20000);
  assert.ok(checks.ledger_entries >= 20000);
  assert.equal(checks.outstanding_matches_ledger, true);
  assert.equal(checks.search_first_page, 25);
  assert.ok(checks.search_total >= 25);
  // The backtest answers what the engine alone answers over the same events, in under 1 MB.
  assert.equal(checks.backtest_matches_engine, true);
  assert.ok(checks.backtest_draft_points > 0);
  assert.equal(checks.backtest_response_under_1mb, true);
});
