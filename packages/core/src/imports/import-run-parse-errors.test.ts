// A CSV upload checks rows before they reach core; the run it records must still tell the whole
// story: every file row, the duplicates skipped, and the parser's row errors beside core's own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertEligibleItems } from "../catalog/eligible-items.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { importInvoices } from "./import-invoices.ts";
import { listImportRuns } from "./list-import-runs.ts";

describe("import runs record the parser's row errors", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await upsertEligibleItems({ ctx: p.admin, input: { items: [{ code: "CLEAN", name: "Cleaning", enabled: true }] } });
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n}\n', publish: true } });
    await makeMembers(t, p.id, [{ externalId: "P-1" }, { externalId: "P-2" }]);
  });
  afterAll(() => t?.dispose());

  const good = (row: number, id: string, member = "P-1") => ({
    row,
    externalMemberId: member,
    invoiceId: id,
    date: "2026-03-02",
    status: "paid" as const,
    lines: [{ code: "CLEAN", amount: "100.00" }],
  });

  it("stores file rows and parse errors with core's errors, in row order; the result repeats only core's", async () => {
    const result = await importInvoices({
      ctx: p.admin,
      input: [good(2, "R-1"), good(4, "R-2", "NOBODY"), good(5, "R-3", "P-2")],
      source: "csv",
      fileRows: 4,
      parseErrors: [{ row: 3, message: 'amount must be a dollar amount like 125.00 (got "x")' }],
    });
    expect(result.imported).toBe(2);
    expect(result.rowErrors).toEqual([{ row: 4, message: "unknown member NOBODY" }]);
    const [run] = await listImportRuns({ ctx: p.admin });
    expect(run).toMatchObject({ id: result.runId, rows: 4, imported: 2, skipped: 0 });
    expect(run!.errors).toEqual([
      { row: 3, message: 'amount must be a dollar amount like 125.00 (got "x")' },
      { row: 4, message: "unknown member NOBODY" },
    ]);
  });

  it("records a run whose every row failed to parse, and counts re-imported rows as skipped", async () => {
    const none = await importInvoices({
      ctx: p.admin,
      input: [],
      source: "csv",
      fileRows: 1,
      parseErrors: [{ row: 2, message: "date must be YYYY-MM-DD" }],
    });
    expect(none.imported).toBe(0);
    const again = await importInvoices({ ctx: p.admin, input: [good(2, "R-1")], source: "csv", fileRows: 1 });
    expect(again.skipped).toBe(1);
    const [latest, allBad] = await listImportRuns({ ctx: p.admin, input: { limit: 2 } });
    expect(latest).toMatchObject({ id: again.runId, rows: 1, imported: 0, skipped: 1, errors: [] });
    expect(allBad).toMatchObject({
      id: none.runId,
      rows: 1,
      imported: 0,
      skipped: 0,
      errors: [{ row: 2, message: "date must be YYYY-MM-DD" }],
    });
  });

  it("without the options, records what it was given as before", async () => {
    const result = await importInvoices({ ctx: p.admin, input: [good(1, "R-9")] });
    const [run] = await listImportRuns({ ctx: p.admin, input: { limit: 1 } });
    expect(run).toMatchObject({ id: result.runId, rows: 1, imported: 1, errors: [] });
  });
});
