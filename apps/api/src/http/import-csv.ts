// CSV invoice import. A plain file (no quote character: the usual export) is read by core's plain
// reader (importPlainCsv); any other shape (quotes, records spanning lines, blank lines before the
// header) by csv-parse here. Both check each row with core's one row-rule table (checkInvoiceRow:
// same rules, messages and line numbers), and both hand the invoices to core's write pipeline
// (events recorded one per invoice, the ledger one entry per invoice and rule; large chunks are
// stored with COPY on PostgreSQL). A bad row is reported with its line number and skips only its
// own invoice. Exactly-once comes from core: event ids derive from invoice ids.
// Columns: see core's imports/csv-rows.ts.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { CsvImportSummary, Ctx } from "@tally/core";
import { CSV_COLUMNS, checkInvoiceRow, DomainError, importInvoices, importPlainCsv } from "@tally/core";
import { type Db, jobs } from "@tally/db";
import { CsvError, parse } from "csv-parse";
import { eq } from "drizzle-orm";

export type { CsvImportSummary };

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
    /** Aborted when the job's lease is gone: the import stops between transactions. */
    signal?: AbortSignal;
  } = {},
): Promise<CsvImportSummary> {
  if (options.parser) return parseCsv(ctx, source, options);
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
    const fast = await importPlainCsv(ctx, () => createReadStream(path), {
      source: options.source ?? "csv",
      jobId: options.jobId,
      onProgress: (done) => {
        options.signal?.throwIfAborted();
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
  options: { jobId?: string; chunkInvoices?: number; source?: string; signal?: AbortSignal },
): Promise<CsvImportSummary> {
  // Large chunks: core rewrites each member's engine state once per call, so fewer, larger calls
  // import much faster on files with many invoices per member; progress still moves per
  // transaction through core's onProgress.
  const chunkInvoices = options.chunkInvoices ?? 100_000;
  const summary: CsvImportSummary = {
    rows: 0,
    invoices: 0,
    imported: 0,
    revised: 0,
    skipped: 0,
    points: 0,
    errorCount: 0,
    errors: [],
    runIds: [],
  };
  const addError = (row: number, message: string) => {
    summary.errorCount++;
    if (summary.errors.length < 1000) summary.errors.push({ row, message });
  };

  let pending: Invoice[] = [];
  let current: Invoice | undefined;
  let currentKey = "";
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
      jobId: options.jobId,
      onProgress: (p) => {
        options.signal?.throwIfAborted();
        // Rows of this batch done so far, in proportion to its invoices; at most every 500 ms.
        if (!options.jobId || Date.now() - lastReport < 500) return;
        lastReport = Date.now();
        void setProgress(ctx.db, options.jobId, rowsDone + Math.round((batchRows * p.processed) / Math.max(1, p.total))).catch(() => {});
      },
    });
    rowsDone = summary.rows - carry;
    summary.imported += result.imported;
    summary.revised += result.revised;
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
    if ((summary.rows & 1023) === 0) options.signal?.throwIfAborted();
    const row = info.lines;
    const fields = Object.fromEntries(CSV_COLUMNS.map((c) => [c, record[c] ?? ""])) as Parameters<typeof checkInvoiceRow>[0];
    const { problems, row: checked, key } = checkInvoiceRow(fields);
    if (!current || currentKey !== key) {
      currentKey = key;
      if (pending.length >= chunkInvoices) await flush(1);
      current = {
        row,
        externalMemberId: fields.member_id,
        invoiceId: fields.invoice_id,
        date: fields.date,
        status: key.slice(key.lastIndexOf("|") + 1) as Invoice["status"],
        lines: [],
        bad: false,
      };
      pending.push(current);
      summary.invoices++;
    }
    if (!checked) {
      current.bad = true;
      addError(row, problems.join("; "));
      if (parseErrors.length < 10_000) parseErrors.push({ row, message: problems.join("; ") });
    } else if (checked.status === "paid") {
      current.lines.push({ code: checked.code, amount: checked.amount });
    }
  }
  await flush();
  summary.errors.sort((a, b) => a.row - b.row);
  return summary;
}

/** The import job's live progress (the admin app polls it). */
export async function setProgress(db: Db, id: string, processed: number, total?: number | null) {
  await db
    .update(jobs)
    .set(total === undefined ? { processed } : { processed, total })
    .where(eq(jobs.id, id));
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
