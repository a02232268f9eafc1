// Invoice import (CSV upload, the HTTP endpoint, the nightly job): parsed rows in, events out.
// Each bad row is reported with its row number while the good rows import. Re-importing the same
// rows awards nothing twice: event ids derive from invoice ids (`invoice:<id>:paid|voided`).
//
// Fast path: rows are grouped by member and a few hundred members go through per transaction —
// one lock query, one insert per table, and the engine run in memory over each member's events
// in time order. Same effects as recording the events one by one (the pipeline's writer is shared).
import { and, eq, inArray, sql } from "drizzle-orm";
import { events, importRuns, memberEngineStates, members, type Tx } from "@tally/db";
import { applyEvent } from "@tally/rules";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { Effect, MemberState } from "../events/engine.ts";
import { freshMemberState } from "../events/engine.ts";
import { type EventOutcome, toEngineEvent, writeEffectsBatch } from "../events/process-event.ts";
import { loadSetup, type PipelineSetup } from "../events/program.ts";
import { invoiceLine } from "../events/schemas.ts";
import { lockBalances } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { audit, parseInput } from "../verb.ts";

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
const EVENT_INSERT_BATCH = 2000;

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
}: {
  ctx: Ctx;
  input: { rows: unknown[] } | unknown[];
  onProgress?: (p: ImportProgress) => void;
  source?: string;
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
    if (!m || m.status !== "member") {
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
  rowErrors.sort((a, b) => a.row - b.row);

  const progress: ImportProgress = { total: rows.length, processed: rowErrors.length, imported: 0, skipped: 0, errors: rowErrors.length };
  const [run] = await ctx.db.insert(importRuns).values({ practiceId: ctx.practiceId, source, rows: rows.length }).returning({ id: importRuns.id });
  const setup = await loadSetup(ctx.db, ctx.practiceId);
  let points = 0;

  const memberList = [...byMember.keys()].sort();
  for (let i = 0; i < memberList.length; i += MEMBERS_PER_TX) {
    const chunk = memberList.slice(i, i + MEMBERS_PER_TX);
    const stats = await ctx.db.transaction((tx) => importChunk(tx, ctx, setup, chunk.map((id) => [id, byMember.get(id)!] as const), source));
    progress.imported += stats.imported;
    progress.skipped += stats.skipped;
    progress.processed += stats.imported + stats.skipped;
    points += stats.points;
    onProgress?.({ ...progress });
  }
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(importRuns)
      .set({ imported: progress.imported, skipped: progress.skipped, errors: rowErrors.slice(0, 10_000), finishedAt: new Date() })
      .where(eq(importRuns.id, run!.id));
    await audit(tx, ctx, { action: "imports.invoices", targetType: "import_run", targetId: run!.id, details: { rows: rows.length, imported: progress.imported, skipped: progress.skipped, errors: rowErrors.length, points } });
  });
  return { ...progress, runId: run!.id, rowErrors, points };
}

async function importChunk(tx: Tx, ctx: Ctx, setup: PipelineSetup, chunk: (readonly [string, Pending[]])[], source: string) {
  const all = chunk.flatMap(([, list]) => list);
  // Store the events first (the pipeline's order: event row, then member locks); the ones that
  // conflict were imported before and are skipped whole.
  const fresh = new Map<string, string>();
  for (let i = 0; i < all.length; i += EVENT_INSERT_BATCH) {
    const inserted = await tx
      .insert(events)
      .values(
        all.slice(i, i + EVENT_INSERT_BATCH).map((p) => ({
          practiceId: ctx.practiceId,
          externalId: p.externalId,
          type: p.input.type as string,
          at: new Date(p.at),
          memberId: p.memberId,
          payload: p.input,
          source,
        })),
      )
      .onConflictDoNothing({ target: [events.practiceId, events.externalId] })
      .returning({ id: events.id, externalId: events.externalId });
    for (const e of inserted) fresh.set(e.externalId, e.id);
  }
  const skipped = all.length - fresh.size;
  if (fresh.size === 0) return { imported: 0, skipped, points: 0 };

  const memberIds = chunk.map(([id]) => id);
  const balances = await lockBalances(tx, ctx.practiceId, memberIds);
  const stateRows = await tx
    .select({ memberId: memberEngineStates.memberId, state: memberEngineStates.state })
    .from(memberEngineStates)
    .where(and(eq(memberEngineStates.practiceId, ctx.practiceId), inArray(memberEngineStates.memberId, memberIds)))
    .for("update");
  const stored = new Map(stateRows.map((r) => [r.memberId, r.state as MemberState]));
  const profiles = await tx
    .select({ id: members.id, tags: members.tags, birthday: members.birthday, registered: members.registered })
    .from(members)
    .where(inArray(members.id, memberIds));
  const profileOf = new Map(profiles.map((p) => [p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered }]));

  const items: { eventId: string; at: Date; effects: Effect[] }[] = [];
  const newStates: { memberId: string; practiceId: string; state: MemberState; updatedAt: Date }[] = [];
  for (const [memberId, list] of chunk) {
    const todo = list.filter((p) => fresh.has(p.externalId));
    if (todo.length === 0) continue;
    // Time order; for the same instant a payment comes before its void.
    todo.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.input.type === "invoice.paid" ? -1 : 1) - (b.input.type === "invoice.paid" ? -1 : 1));
    const profile = profileOf.get(memberId)!;
    const state = { ...(stored.get(memberId) ?? freshMemberState(profile)), ...profile, balance: balances.get(memberId) ?? 0 };
    const engineState = { members: { [memberId]: structuredClone(state) }, processed: {} as Record<string, true> };
    for (const p of todo) {
      const eventId = fresh.get(p.externalId)!;
      const effects: Effect[] = [];
      applyEvent(setup.program, engineState, toEngineEvent(eventId, p.input as never), effects);
      items.push({ eventId, at: new Date(p.at), effects });
    }
    newStates.push({ memberId, practiceId: ctx.practiceId, state: engineState.members[memberId]!, updatedAt: new Date() });
  }

  const outcomes = await writeEffectsBatch(tx, ctx, items, setup.versionId, { source });
  for (let i = 0; i < newStates.length; i += 500) {
    await tx
      .insert(memberEngineStates)
      .values(newStates.slice(i, i + 500))
      .onConflictDoUpdate({ target: memberEngineStates.memberId, set: { state: sql.raw("excluded.state"), updatedAt: sql`now()` } });
  }
  await saveOutcomes(tx, items.map((it, i) => [it.eventId, outcomes[i]!] as const), setup.versionId);
  const points = outcomes.reduce((s, o) => s + o.awards.reduce((a, x) => a + x.points, 0) + o.reversals.reduce((a, x) => a + x.points, 0), 0);
  return { imported: fresh.size, skipped, points };
}

/** One UPDATE per batch: events.outcome from a VALUES list. */
async function saveOutcomes(tx: Tx, rows: (readonly [string, EventOutcome])[], versionId: string | null) {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000);
    const values = sql.join(
      batch.map(([id, outcome]) => sql`(${id}::uuid, ${JSON.stringify(outcome)}::jsonb)`),
      sql`, `,
    );
    await tx.execute(sql`update events set outcome = v.outcome, rule_set_version_id = ${versionId}::uuid from (values ${values}) as v(id, outcome) where events.id = v.id`);
  }
}

export const importInvoicesInput = z.object({ rows: z.array(z.unknown()).max(2_000_000) });
export const parseImportInput = (input: unknown) => parseInput(importInvoicesInput, input);
