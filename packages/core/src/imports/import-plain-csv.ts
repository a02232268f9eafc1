// Invoice CSV import, the plain reader's door: a file with no quote character (the usual export)
// is read in one pass in Node (plain-csv.ts, the row rules of csv-rows.ts) and its invoices go
// through the write pipeline like every other door (recordInvoiceRun → recordEvents, whose store
// step takes COPY for large chunks on PostgreSQL). A file the plain reader cannot number exactly
// (quotes, blank lines before the header) answers null, having written nothing: the upload
// endpoint's csv-parse reader takes it, with the same row rules and messages.

import type { Readable } from "node:stream";
import type { Ctx } from "../context.ts";
import type { EventInput } from "../events/schemas.ts";
import { authorize } from "../permissions.ts";
import { recordInvoiceRun } from "./import-invoices.ts";
import { readPlainCsv } from "./plain-csv.ts";

/** What a CSV import reports, whichever reader ran. */
export interface CsvImportSummary {
  rows: number;
  invoices: number;
  imported: number;
  /** Of the imported: invoices paid again with other lines (revisions). */
  revised: number;
  skipped: number;
  points: number;
  errorCount: number;
  /** The first 1000 row errors, with the line number in the file (the header is line 1). */
  errors: { row: number; message: string }[];
  runIds: string[];
}

export async function importPlainCsv(
  ctx: Ctx,
  open: () => Readable,
  options: { source?: string; jobId?: string; onProgress?: (rowsDone: number, rowsTotal: number) => void } = {},
): Promise<CsvImportSummary | null> {
  authorize(ctx, "imports.invoices");
  const plain = await readPlainCsv(ctx, open);
  if (!plain) return null;
  // Per member, in file order (recordInvoiceRun times date-only rows and puts each list in time order).
  const byMember = new Map<string, typeof plain.valid>();
  for (const v of plain.valid) {
    const list = byMember.get(v.memberId);
    if (list) list.push(v);
    else byMember.set(v.memberId, [v]);
  }
  const lists: EventInput[][] = [];
  for (const list of byMember.values()) {
    lists.push(
      list.map((v): EventInput => {
        const when = v.dateOnly ? { at: v.at, dateOnly: true as const } : { at: v.at };
        return v.status === "paid"
          ? {
              id: `invoice:${v.invoiceId}:paid`,
              type: "invoice.paid",
              ...when,
              member: v.memberId,
              invoice: { id: v.invoiceId, lines: v.lines },
            }
          : { id: `invoice:${v.invoiceId}:voided`, type: "invoice.voided", ...when, member: v.memberId, invoice: { id: v.invoiceId } };
      }),
    );
  }
  options.onProgress?.(0, plain.rows);
  const invoicesTotal = plain.valid.length + plain.repeats;
  const result = await recordInvoiceRun(ctx, {
    lists,
    total: invoicesTotal,
    rowErrors: plain.errors,
    repeats: plain.repeats,
    fileRows: plain.rows,
    source: options.source ?? "csv",
    jobId: options.jobId,
    onProgress: (p) => options.onProgress?.(Math.round((plain.rows * (p.imported + p.skipped)) / Math.max(1, invoicesTotal)), plain.rows),
  });
  return {
    rows: plain.rows,
    invoices: plain.invoices,
    imported: result.imported,
    revised: result.revised,
    skipped: result.skipped,
    points: result.points,
    errorCount: plain.errorCount,
    errors: plain.errors.slice(0, 1000),
    runIds: [result.runId],
  };
}
