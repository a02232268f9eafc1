// Invoice import (CSV upload, the HTTP endpoint, the nightly job): parsed rows in, events out.
// Each bad row is reported with its row number while the good rows import. Re-importing the same
// rows awards nothing twice: event ids derive from invoice ids (`invoice:<id>:paid|voided`).
//
// Fast path: rows are grouped by member and a hundred members go through per transaction with
// the pipeline's bulk path (events/batch.ts): same effects as recording the events one by one.
// Two such transactions run at a time (their members never overlap).

import { importRuns, members } from "@tally/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { BatchConflict, pgCode, processMemberEvents } from "../events/batch.ts";
import { loadSetup } from "../events/program.ts";
import { type EventInput, invoiceLine } from "../events/schemas.ts";
import { authorize } from "../permissions.ts";
import { audit } from "../verb.ts";

export const invoiceRow = z.object({
  /** Row number in the source file (1-based, as the user sees it); defaults to the position. */
  row: z.number().int().positive().optional(),
  externalMemberId: z.string().trim().min(1).max(200),
  invoiceId: z.string().trim().min(1).max(200),
  /** YYYY-MM-DD (taken as 12:00 UTC that day) or a full ISO instant. */
  date: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  status: z.enum(["paid", "voided"]),
  lines: z.array(invoiceLine).max(1000).default([]),
});
export type InvoiceRow = z.input<typeof invoiceRow>;

export interface ImportProgress {
  total: number;
  processed: number;
  imported: number;
  skipped: number;
  errors: number;
}

export interface ImportResult extends ImportProgress {
  runId: string;
  rowErrors: { row: number; message: string }[];
  points: number;
}

const MEMBERS_PER_TX = 100;
const TX_IN_FLIGHT = 2;

/**
 * Another writer recorded one of the batch's events first (BatchConflict), or two writers
 * deadlocked on the same event: the transaction rolled back whole, so running it again is safe,
 * and the events recorded meanwhile are skipped then.
 */
async function withRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const retry = err instanceof BatchConflict || pgCode(err) === "40P01" || pgCode(err) === "40001";
      if (!retry || i >= attempts) throw err;
    }
  }
}

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
}: {
  ctx: Ctx;
  input: { rows: unknown[] } | unknown[];
  onProgress?: (p: ImportProgress) => void;
  source?: string;
  /** Rows of the source file behind this call, bad ones included (a CSV parser's count); recorded on the run. */
  fileRows?: number;
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
  const externalIds = [...new Set(valid.map((r) => r.externalMemberId))];
  const memberIds = new Map<string, { id: string; status: string }>();
  for (let i = 0; i < externalIds.length; i += 5000) {
    const found = await ctx.db
      .select({ id: members.id, externalId: members.externalId, status: members.status })
      .from(members)
      .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.externalId, externalIds.slice(i, i + 5000))));
    for (const m of found) memberIds.set(m.externalId!, { id: m.id, status: m.status });
  }
  const byMember = new Map<string, Pending[]>();
  for (const r of valid) {
    const m = memberIds.get(r.externalMemberId);
    if (m?.status !== "member") {
      rowErrors.push({ row: r.row, message: `unknown member ${r.externalMemberId}` });
      continue;
    }
    const at = r.date.length === 10 ? `${r.date}T12:00:00.000Z` : new Date(r.date).toISOString();
    const externalId = `invoice:${r.invoiceId}:${r.status}`;
    const input =
      r.status === "paid"
        ? { id: externalId, type: "invoice.paid", at, member: m.id, invoice: { id: r.invoiceId, lines: r.lines } }
        : { id: externalId, type: "invoice.voided", at, member: m.id, invoice: { id: r.invoiceId } };
    const list = byMember.get(m.id) ?? [];
    list.push({ row: r.row, memberId: m.id, externalId, at, input });
    byMember.set(m.id, list);
  }
  // Time order; at the same instant a payment comes before its void.
  const rank = (p: Pending) => (p.input.type === "invoice.paid" ? 0 : 1);
  for (const list of byMember.values()) list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || rank(a) - rank(b));
  rowErrors.sort((a, b) => a.row - b.row);

  const progress: ImportProgress = { total: rows.length, processed: rowErrors.length, imported: 0, skipped: 0, errors: rowErrors.length };
  const [run] = await ctx.db
    .insert(importRuns)
    .values({ practiceId: ctx.practiceId, source, rows: fileRows ?? rows.length })
    .returning({ id: importRuns.id });
  const setup = await loadSetup(ctx.db, ctx.practiceId);
  let points = 0;

  // Two transactions in flight (disjoint members, so they never wait on each other): the
  // engine and JSON work of one overlaps with the database writing the other. PGlite has one
  // connection and runs them one after the other.
  const memberList = [...byMember.keys()].sort();
  const groups: string[][] = [];
  for (let i = 0; i < memberList.length; i += MEMBERS_PER_TX) groups.push(memberList.slice(i, i + MEMBERS_PER_TX));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < groups.length) {
      const group = groups[next++]!;
      const chunk = group.map((id) => [id, byMember.get(id)!.map((p) => p.input as unknown as EventInput)] as const);
      try {
        const stats = await withRetry(() => ctx.db.transaction((tx) => processMemberEvents(tx, ctx, setup, chunk, source)));
        progress.imported += stats.imported;
        progress.skipped += stats.skipped;
        progress.processed += stats.imported + stats.skipped;
        points += stats.points;
        onProgress?.({ ...progress });
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
      .where(eq(importRuns.id, run!.id));
    await audit(tx, ctx, {
      action: "imports.invoices",
      targetType: "import_run",
      targetId: run!.id,
      details: { rows: fileRows ?? rows.length, imported: progress.imported, skipped: progress.skipped, errors: runErrors.length, points },
    });
  });
  return { ...progress, runId: run!.id, rowErrors, points };
}

export const importInvoicesInput = z.object({ rows: z.array(z.unknown()).max(2_000_000) });
