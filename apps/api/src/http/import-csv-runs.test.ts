// The import history (imports.runs) tells the same story as the upload's answer: every file
// row, the invoices imported and skipped, and the bad rows the CSV check caught, by line number.
import { Readable } from "node:stream";
import { systemCtx } from "@tally/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";
import { importCsv } from "./import-csv.ts";

describe("CSV import runs carry the row errors", () => {
  let h: Harness;
  let admin: TestClient;
  const postCsv = (csv: string) =>
    h.request("/api/v1/imports?wait=true", {
      method: "POST",
      headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
      body: csv,
    });

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
  });
  afterAll(async () => h?.dispose());

  it("records a bad amount with its line number beside core's errors, and duplicates as skipped", async () => {
    const csv = [
      "member_id,invoice_id,date,status,code,amount",
      "PMS-10000,R-1,2026-03-05,paid,CLEAN,100.00",
      "PMS-10000,R-2,2026-03-06,paid,CLEAN,abc",
      "NOBODY,R-3,2026-03-06,paid,CLEAN,10.00",
      "PMS-10001,R-4,2026-03-07,paid,CLEAN,40.00",
    ].join("\n");
    expect((await postCsv(csv)).status).toBe(200);
    const [run] = await admin.imports.runs.query({ limit: 1 });
    expect(run).toMatchObject({ source: "csv", rows: 4, imported: 2, skipped: 0 });
    expect(run!.errors.map((e) => e.row)).toEqual([3, 4]);
    expect(run!.errors[0]!.message).toMatch(/amount must be a dollar amount/);

    await postCsv(csv);
    const [again] = await admin.imports.runs.query({ limit: 1 });
    expect(again).toMatchObject({ rows: 4, imported: 0, skipped: 2 });
    expect(again!.errors.map((e) => e.row)).toEqual([3, 4]);
  });

  it("records a run for a file whose every row is bad", async () => {
    await postCsv("member_id,invoice_id,date,status,code,amount\nPMS-10000,R-9,someday,paid,CLEAN,5.00");
    const [run] = await admin.imports.runs.query({ limit: 1 });
    expect(run).toMatchObject({ rows: 1, imported: 0, skipped: 0 });
    expect(run!.errors).toEqual([{ row: 2, message: "date must be YYYY-MM-DD" }]);
  });

  it("splits rows and errors between chunks at the invoice that starts the next one", async () => {
    const csv = [
      "member_id,invoice_id,date,status,code,amount",
      "PMS-10002,K-1,2026-04-01,paid,CLEAN,10.00",
      "PMS-10002,K-1,2026-04-01,paid,XRAY,bad",
      "PMS-10002,K-2,2026-04-02,paid,CLEAN,10.00",
      "PMS-10002,K-3,2026-04-03,paid,CLEAN,x",
    ].join("\n");
    const ctx = systemCtx(h.t.db, h.practiceIds["bright-smiles"]!);
    // The csv-parse path's chunks (on PostgreSQL the COPY path takes a file whole, in one run).
    const summary = await importCsv(ctx, Readable.from([csv]), { chunkInvoices: 2, parser: true });
    expect(summary.runIds).toHaveLength(2);
    const runs = await admin.imports.runs.query({ limit: 2 });
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(summary.runIds[0]!)).toMatchObject({
      rows: 3,
      imported: 1,
      errors: [{ row: 3, message: expect.stringMatching(/amount/) }],
    });
    expect(byId.get(summary.runIds[1]!)).toMatchObject({
      rows: 1,
      imported: 0,
      errors: [{ row: 5, message: expect.stringMatching(/amount/) }],
    });
  });

  it("reports the same rows, invoices and errors on either path, and the second import skips what the first brought", async () => {
    const csv = [
      "member_id,invoice_id,date,status,code,amount",
      "PMS-10003,P-1,2026-05-01,paid,CLEAN,100.00",
      "PMS-10003,P-1,2026-05-01,paid,XRAY,$20.00",
      "",
      " PMS-10003 , P-2 ,2026-05-02, Paid , FILL ,5",
      "PMS-10003,P-3,2026-02-30,paid,CLEAN,1.00",
      "PMS-10003,P-4,2026-05-03,paid,CLEAN,1.234",
      "NOBODY,P-5,2026-05-03,paid,CLEAN,1.00",
      "PMS-10003,P-1,2026-05-04,refunded,,",
      "PMS-10004,P-2,2026-05-05,paid,CLEAN,7.00", // P-2 again (another member): the first one counts
    ].join("\n");
    const ctx = systemCtx(h.t.db, h.practiceIds["bright-smiles"]!);
    // On PostgreSQL the first goes through COPY (a plain file: read in Node), the second through csv-parse.
    const first = await importCsv(ctx, Readable.from([csv]));
    const second = await importCsv(ctx, Readable.from([csv]), { parser: true });
    expect(first).toMatchObject({ rows: 8, invoices: 7, imported: 3, skipped: 1, errorCount: 3 });
    expect(first.errors.map((e) => e.row)).toEqual([6, 7, 8]);
    expect(second).toMatchObject({ rows: first.rows, invoices: first.invoices, imported: 0, skipped: 4, points: 0 });
    expect(second.errors).toEqual(first.errors);
  });
});
