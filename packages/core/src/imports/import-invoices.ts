// Invoice import (CSV upload, the HTTP endpoint, the nightly job): parsed rows in, events out.
// Each bad row is reported with its row number while the good rows import. Re-importing the same
// rows awards nothing twice: event ids derive from invoice ids (`invoice:<id>:paid|voided`).
//
// Rows are grouped by member; whole members go through the write pipeline (recordEvents) in
// transactions of about CHUNK_EVENTS events, two at a time (their members never overlap). The
// pipeline's store step takes COPY for large chunks on PostgreSQL: same rows either way.

import { importRuns } from "@tally/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { loadSetup } from "../events/program.ts";
import { recordEvents, withRetry } from "../events/record-events.ts";
import { type EventInput, invoiceLine } from "../events/schemas.ts";
import { resolveByPmsIds } from "../members/merge-members.ts";
import { authorize } from "../permissions.ts";
import { audit } from "../verb.ts";
import { dateOnlyPlaceholder, timeDateOnly } from "./invoice-time.ts";

export const invoiceRow = z.object({
  /** Row number in the source file (1-based, as the user sees it); defaults to the position. */
  row: z.number().int().positive().optional(),
  externalMemberId: z.string().trim().min(1).max(200),
  invoiceId: z.string().trim().min(1).max(200),
  /** YYYY-MM-DD (timed by `timeDateOnly`: SPEC 5 step 6) or a full ISO instant. */
  date: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  status: z.enum(["paid", "voided"]),
  lines: z.array(invoiceLine).max(1000).default([]),
});
export type InvoiceRow = z.input<typeof invoiceRow>;

export interface ImportProgress {
  total: number;
  processed: number;
  imported: number;
  /** Of the imported: invoices paid again with other lines (SPEC 5 revisions). */
  revised: number;
  skipped: number;
  errors: number;
}

export interface ImportResult extends ImportProgress {
  runId: string;
  rowErrors: { row: number; message: string }[];
  points: number;
}

/** Events per transaction (whole members): large enough for COPY, small enough to retry. */
const CHUNK_EVENTS = 20_000;
const TX_IN_FLIGHT = 2;

/** Points an event's awards and reversals moved (an import's total). */
const pointsMoved = (o: { awards: { points: number }[]; reversals: { points: number }[] }) =>
  o.awards.reduce((a, x) => a + x.points, 0) + o.reversals.reduce((a, x) => a + x.points, 0);

interface Pending {
  row: number;
  memberId: string;
  externalId: string;
  at: string;
  input: Record<string, unknown>;
}

export async function importInvoices({
  ctx,
  input,
  onProgress,
  source = "import",
  fileRows,
  parseErrors = [],
  jobId,
}: {
  ctx: Ctx;
  input: { rows: unknown[] } | unknown[];
  onProgress?: (p: ImportProgress) => void;
  source?: string;
  /** Rows of the source file behind this call, bad ones included (a CSV parser's count); recorded on the run. */
  fileRows?: number;
  /** The background job running this import (recorded on the run, so a failed job fails its runs). */
  jobId?: string;
  /** Row errors found before the rows got here (a CSV parser's): recorded with the run, not repeated in the result. */
  parseErrors?: { row: number; message: string }[];
}): Promise<ImportResult> {
  authorize(ctx, "imports.invoices");
  const rows = Array.isArray(input) ? input : input.rows;
  const rowErrors: { row: number; message: string }[] = [];
  const valid: (z.output<typeof invoiceRow> & { row: number })[] = [];
  rows.forEach((raw, i) => {
    const rowNumber = (raw as { row?: number })?.row ?? i + 1;
    const r = invoiceRow.safeParse(raw);
    if (!r.success) {
      rowErrors.push({ row: rowNumber, message: r.error.issues.map((x) => `${x.path.join(".") || "row"}: ${x.message}`).join("; ") });
    } else if (r.data.status === "paid" && r.data.lines.length === 0) {
      rowErrors.push({ row: rowNumber, message: "lines: a paid invoice needs at least one line" });
    } else {
      valid.push({ ...r.data, row: rowNumber });
    }
  });

  // Map external member ids (one query for all of them).
  // A PMS id of a record merged into another leads to the survivor.
  const externalIds = [...new Set(valid.map((r) => r.externalMemberId))];
  const memberIds = await resolveByPmsIds(ctx.db, ctx, externalIds);
  const byMember = new Map<string, Pending[]>();
  for (const r of valid) {
    const m = memberIds.get(r.externalMemberId);
    if (m?.status !== "member") {
      rowErrors.push({ row: r.row, message: `unknown member ${r.externalMemberId}` });
      continue;
    }
    const dateOnly = r.date.length === 10;
    const at = dateOnly ? dateOnlyPlaceholder(r.date) : new Date(r.date).toISOString();
    const externalId = `invoice:${r.invoiceId}:${r.status}`;
    const when = dateOnly ? { at, dateOnly: true as const } : { at };
    const input =
      r.status === "paid"
        ? { id: externalId, type: "invoice.paid", ...when, member: m.id, invoice: { id: r.invoiceId, lines: r.lines } }
        : { id: externalId, type: "invoice.voided", ...when, member: m.id, invoice: { id: r.invoiceId } };
    const list = byMember.get(m.id) ?? [];
    list.push({ row: r.row, memberId: m.id, externalId, at, input });
    byMember.set(m.id, list);
  }
  rowErrors.sort((a, b) => a.row - b.row);

  return recordInvoiceRun(ctx, {
    lists: [...byMember.values()].map((list) => list.map((p) => p.input as unknown as EventInput)),
    total: rows.length,
    rowErrors,
    parseErrors,
    fileRows: fileRows ?? rows.length,
    jobId,
    source,
    onProgress,
  });
}

/**
 * Records an import run's invoice events (each list one member's, in file order; date-only ones
 * are timed and each list put in time order first: `timeDateOnly`) through the write pipeline: whole members per transaction, about CHUNK_EVENTS events each, two in
 * flight; then the run's counts, errors and audit row. Every reader of invoices ends here.
 */
export async function recordInvoiceRun(
  ctx: Ctx,
  run: {
    lists: EventInput[][];
    /** Rows (or invoices) the caller counts as the whole; errors count as processed. */
    total: number;
    rowErrors: { row: number; message: string }[];
    parseErrors?: { row: number; message: string }[];
    /** Repeats the reader dropped already (counted as skipped). */
    repeats?: number;
    fileRows: number;
    source: string;
    /** The background job running this import (see importRuns.jobId). */
    jobId?: string;
    onProgress?: (p: ImportProgress) => void;
  },
): Promise<ImportResult> {
  const { rowErrors, parseErrors = [], source } = run;
  const progress: ImportProgress = {
    total: run.total,
    processed: rowErrors.length + (run.repeats ?? 0),
    imported: 0,
    revised: 0,
    skipped: run.repeats ?? 0,
    errors: rowErrors.length,
  };
  const [created] = await ctx.db
    .insert(importRuns)
    .values({ practiceId: ctx.practiceId, source, rows: run.fileRows, jobId: run.jobId ?? null })
    .returning({ id: importRuns.id });
  const runId = created!.id;
  const setup = await loadSetup(ctx.db, ctx.practiceId);
  // Date-only invoices timed (SPEC 5 step 6); each member's list in time order, a payment before its void.
  await timeDateOnly(ctx.db, ctx.practiceId, setup.practice.timezone, run.lists);
  let points = 0;

  // Two transactions in flight (disjoint members, so they never wait on each other): the
  // engine and JSON work of one overlaps with the database writing the other. PGlite has one
  // connection and runs them one after the other.
  const groups: EventInput[][] = [];
  for (const list of run.lists) {
    if (groups.length === 0 || groups.at(-1)!.length >= CHUNK_EVENTS) groups.push([]);
    groups.at(-1)!.push(...list);
  }
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < groups.length) {
      const chunk = groups[next++]!;
      try {
        const recorded = await withRetry(() => ctx.db.transaction((tx) => recordEvents(tx, ctx, chunk, { setup, source })));
        const imported = recorded.filter((r) => !r.duplicate);
        progress.imported += imported.length;
        progress.revised += imported.filter((r) => r.revision).length;
        progress.skipped += recorded.length - imported.length;
        progress.processed += recorded.length;
        for (const r of imported) points += pointsMoved(r);
        run.onProgress?.({ ...progress });
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: TX_IN_FLIGHT }, worker));
  const runErrors = parseErrors.length === 0 ? rowErrors : [...parseErrors, ...rowErrors].sort((a, b) => a.row - b.row);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(importRuns)
      .set({ imported: progress.imported, skipped: progress.skipped, errors: runErrors.slice(0, 10_000), finishedAt: new Date() })
      .where(eq(importRuns.id, runId));
    await audit(tx, ctx, {
      action: "imports.invoices",
      targetType: "import_run",
      targetId: runId,
      details: {
        rows: run.fileRows,
        imported: progress.imported,
        revised: progress.revised,
        skipped: progress.skipped,
        errors: runErrors.length,
        points,
      },
    });
  });
  return { ...progress, runId, rowErrors, points };
}

export const importInvoicesInput = z.object({ rows: z.array(z.unknown()).max(2_000_000) });
