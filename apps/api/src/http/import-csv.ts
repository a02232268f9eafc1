// CSV invoice import. On PostgreSQL the file goes through core's COPY path (importCsvWithCopy:
// a plain file read in Node, a quoted one staged with COPY and checked in SQL; events written by
// COPY, points booked per member and rule for the run). On PGlite, or for a quoted file COPY
// cannot number exactly (quoted header, blank lines, ragged rows, records spanning lines),
// csv-parse reads it: rows are checked one by one (a bad row is reported with its line number and
// skips only its own invoice), grouped into invoices, and handed to core's importInvoices in
// chunks while the job row records progress. Both report the same row errors and messages.
// Exactly-once comes from core: event ids derive from invoice ids, so a re-import skips them.
//
// Expected columns (header row, any order, case-insensitive):
//   member_id   the practice-management id of the member (members.external_id)
//   invoice_id  the invoice; its lines are consecutive rows
//   date        YYYY-MM-DD or an ISO instant
//   status      paid (default) | voided | refunded (a refund voids the invoice)
//   code        billing code of the line (paid invoices)
//   amount      line amount in dollars, e.g. 125.00
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CopyImportSummary, Ctx } from "@tally/core";
import { canCopyImport, DomainError, importCsvWithCopy, importInvoices } from "@tally/core";
import { CsvError, parse } from "csv-parse";
import { setProgress } from "../jobs/queue.ts";

/** What an import reports, whichever reader ran (the same shape as the COPY path's). */
export type CsvImportSummary = CopyImportSummary;

interface Invoice {
  row: number;
  externalMemberId: string;
  invoiceId: string;
  date: string;
  status: "paid" | "voided";
  lines: { code: string; amount: string }[];
  bad: boolean;
}

/** The longest line (and record) an invoice CSV may have: real ones are a few hundred bytes. */
export const maxCsvRecordBytes = 64 * 1024;

const money = /^-?\d+(\.\d{1,2})?$/;
const dateLike = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/;

export async function importCsv(
  ctx: Ctx,
  source: Readable | AsyncIterable<Uint8Array | string>,
  options: {
    jobId?: string;
    chunkInvoices?: number;
    source?: string;
    /** The same CSV as a file (the spooled upload): the COPY path reads it, and again if it falls back. */
    file?: string;
    /** Skip the COPY path (tests of the csv-parse path on PostgreSQL). */
    parser?: boolean;
  } = {},
): Promise<CsvImportSummary> {
  if (options.parser || !canCopyImport(ctx.db)) return parseCsv(ctx, source, options);
  let file = options.file;
  if (file && "destroy" in source) source.destroy(); // read from the file instead
  let spooled: string | undefined;
  try {
    if (!file) {
      spooled = join(await mkdtemp(join(tmpdir(), "tally-import-")), "upload.csv");
      await pipeline("pipe" in source ? source : Readable.from(source), createWriteStream(spooled));
      file = spooled;
    }
    const path = file;
    let lastReport = 0;
    const fast = await importCsvWithCopy(ctx, () => createReadStream(path), {
      source: options.source ?? "csv",
      onProgress: (done) => {
        if (!options.jobId || Date.now() - lastReport < 500) return;
        lastReport = Date.now();
        void setProgress(ctx.db, options.jobId, done).catch(() => {});
      },
    });
    if (fast) {
      if (options.jobId) await setProgress(ctx.db, options.jobId, fast.rows);
      return fast;
    }
    return await parseCsv(ctx, createReadStream(path), options);
  } finally {
    if (spooled) await rm(dirname(spooled), { recursive: true, force: true });
  }
}

/** The csv-parse path: streams the rows, precise row numbers for any CSV shape. */
async function parseCsv(
  ctx: Ctx,
  source: Readable | AsyncIterable<Uint8Array | string>,
  options: { jobId?: string; chunkInvoices?: number; source?: string },
): Promise<CsvImportSummary> {
  // Large chunks: core rewrites each member's engine state once per call, so fewer, larger calls
  // import much faster on files with many invoices per member; progress still moves per
  // transaction through core's onProgress.
  const chunkInvoices = options.chunkInvoices ?? 100_000;
  const summary: CsvImportSummary = { rows: 0, invoices: 0, imported: 0, skipped: 0, points: 0, errorCount: 0, errors: [], runIds: [] };
  const addError = (row: number, message: string) => {
    summary.errorCount++;
    if (summary.errors.length < 1000) summary.errors.push({ row, message });
  };

  let pending: Invoice[] = [];
  let current: Invoice | undefined;
  let rowsDone = 0;
  let lastReport = 0;
  // This chunk's bad rows go to core too, so the recorded import run lists them with its own.
  let parseErrors: { row: number; message: string }[] = [];
  /** `carry`: rows already read that belong to the next chunk (the row that started it). */
  const flush = async (carry = 0) => {
    const batch = pending.filter((i) => !i.bad);
    const chunkErrors = parseErrors;
    pending = [];
    parseErrors = [];
    const batchRows = summary.rows - carry - rowsDone;
    if (batch.length === 0 && chunkErrors.length === 0) return;
    const result = await importInvoices({
      ctx,
      input: batch.map(({ bad: _b, ...i }) => (i.status === "voided" ? { ...i, lines: [] } : i)),
      source: options.source ?? "csv",
      fileRows: batchRows,
      parseErrors: chunkErrors,
      onProgress: (p) => {
        // Rows of this batch done so far, in proportion to its invoices; at most every 500 ms.
        if (!options.jobId || Date.now() - lastReport < 500) return;
        lastReport = Date.now();
        void setProgress(ctx.db, options.jobId, rowsDone + Math.round((batchRows * p.processed) / Math.max(1, p.total))).catch(() => {});
      },
    });
    rowsDone = summary.rows - carry;
    summary.imported += result.imported;
    summary.skipped += result.skipped;
    summary.points += result.points;
    summary.runIds.push(result.runId);
    for (const e of result.rowErrors) addError(e.row, e.message);
    if (options.jobId) await setProgress(ctx.db, options.jobId, summary.rows);
  };

  const parser = parse({
    columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
    info: true,
    bom: true,
    // A field a line long (or a quote left open) stops here instead of being read whole.
    max_record_size: maxCsvRecordBytes,
  });
  const input = "pipe" in source ? source : Readable.from(source);
  input.on("error", (e) => parser.destroy(e));
  input.pipe(parser);

  for await (const { record, info } of readable(parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>)) {
    summary.rows++;
    const row = info.lines;
    const memberId = record.member_id ?? "";
    const invoiceId = record.invoice_id ?? "";
    const rawStatus = (record.status || "paid").toLowerCase();
    const status = rawStatus === "refunded" ? "voided" : rawStatus;
    const problems: string[] = [];
    if (!memberId) problems.push("member_id is missing");
    if (!invoiceId) problems.push("invoice_id is missing");
    if (!dateLike.test(record.date ?? "")) problems.push("date must be YYYY-MM-DD");
    if (status !== "paid" && status !== "voided") problems.push(`status must be paid, voided or refunded (got "${rawStatus}")`);
    if (status === "paid") {
      if (!record.code) problems.push("code is missing");
      if (!money.test((record.amount ?? "").replace(/[$,]/g, "")))
        problems.push(`amount must be a dollar amount like 125.00 (got "${record.amount ?? ""}")`);
    }

    const key = `${memberId}|${invoiceId}|${status}`;
    if (!current || `${current.externalMemberId}|${current.invoiceId}|${current.status}` !== key) {
      if (pending.length >= chunkInvoices) await flush(1);
      current = {
        row,
        externalMemberId: memberId,
        invoiceId,
        date: record.date ?? "",
        status: status as Invoice["status"],
        lines: [],
        bad: false,
      };
      pending.push(current);
      summary.invoices++;
    }
    if (problems.length > 0) {
      current.bad = true;
      addError(row, problems.join("; "));
      if (parseErrors.length < 10_000) parseErrors.push({ row, message: problems.join("; ") });
    } else if (status === "paid") {
      current.lines.push({ code: record.code!, amount: record.amount!.replace(/[$,]/g, "") });
    }
  }
  await flush();
  summary.errors.sort((a, b) => a.row - b.row);
  return summary;
}

/** csv-parse's own errors (a record over the size limit, a broken quote) as a 400 that names the line. */
async function* readable<T>(rows: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* rows;
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    const line = (e as CsvError & { lines?: number }).lines;
    const where = line ? ` (line ${line})` : "";
    if (e.code === "CSV_MAX_RECORD_SIZE")
      throw new DomainError(
        "INVALID_INPUT",
        `A record of the file is longer than ${maxCsvRecordBytes / 1024} KB${where}: it is not an invoice CSV.`,
      );
    throw new DomainError("INVALID_INPUT", `The file could not be read as CSV${where}: ${e.message}`);
  }
}
