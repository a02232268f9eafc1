// Members' engine states as stored: one row per member (member_engine_states) with `invoices: {}`,
// and what the engine keeps about each paid invoice in its own row (member_engine_invoices), so a
// state does not grow with the member's history. Every reader of a stored state loads it here,
// with the invoice records it needs: those its events name (a void, a revision) and, under
// `tiers by spend`, those paid in the trailing tier window. The engine's in-memory shape is the
// same either way (`invoices` holds what was loaded, and what this run added).

import type { Tx } from "@tally/db";
import type { InvoiceRecord } from "@tally/rules";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { jsonRows, query } from "../sql.ts";
import type { MemberState, Program } from "./engine.ts";

export interface InvoiceNeeds {
  /** Invoice ids the events name (invoice.paid and its revisions, invoice.voided). */
  invoiceIds?: string[];
  /** `tiers by spend`: records paid after this instant (the earliest event's window start). */
  tierWindowFrom?: Date | null;
  /** Every record (a merge moves them all). */
  all?: boolean;
}

/** The records as loaded (JSON per member and invoice id): what the store step compares against. */
export type LoadedInvoices = Map<string, string>;

export interface InvoiceRow {
  memberId: string;
  invoiceId: string;
  record: InvoiceRecord;
}

const keyOf = (memberId: string, invoiceId: string) => `${memberId}\u0000${invoiceId}`;
const parsed = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
const idList = (ids: string[]) => sql`(select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`;

/** The stored states of these members (absent: none yet), with the invoice records `needs` asks for. */
export async function loadMemberStates(
  tx: Tx | Ctx["db"],
  practiceId: string,
  memberIds: string[],
  needs: InvoiceNeeds & { forUpdate?: boolean } = {},
): Promise<{ states: Map<string, MemberState>; loaded: LoadedInvoices }> {
  const states = new Map<string, MemberState>();
  if (memberIds.length === 0) return { states, loaded: new Map() };
  const rows = await query<{ member_id: string; state: unknown }>(
    tx,
    sql`select member_id, state from member_engine_states
        where practice_id = ${practiceId}::uuid and member_id in ${idList(memberIds)}
        ${needs.forUpdate ? sql`order by member_id for update` : sql``}`,
  );
  for (const r of rows) states.set(r.member_id, parsed<MemberState>(r.state));
  const loaded = await withInvoiceRecords(tx, practiceId, states, needs);
  return { states, loaded };
}

/**
 * Puts the invoice records `needs` asks for into these states' `invoices` (a new object per
 * state; records a state still holds inline, from before they had rows, stay). Returns them as
 * loaded, for `changedInvoices`.
 */
export async function withInvoiceRecords(
  tx: Tx | Ctx["db"],
  practiceId: string,
  states: Map<string, MemberState> | Record<string, MemberState>,
  needs: InvoiceNeeds,
): Promise<LoadedInvoices> {
  const loaded: LoadedInvoices = new Map();
  const entries = states instanceof Map ? [...states] : Object.entries(states);
  const members = entries.filter(([, s]) => s && typeof s === "object").map(([id]) => id);
  const ids = needs.invoiceIds ?? [];
  const from = needs.tierWindowFrom ?? null;
  if (members.length === 0 || (!needs.all && ids.length === 0 && from === null)) return loaded;
  const which = needs.all
    ? sql`true`
    : sql`(${ids.length > 0 ? sql`i.invoice_id in (select jsonb_array_elements_text(${JSON.stringify([...new Set(ids)])}::jsonb))` : sql`false`}
           or ${from !== null ? sql`i.at > ${from.toISOString()}::timestamptz` : sql`false`})`;
  const rows = await query<{ member_id: string; invoice_id: string; record: unknown }>(
    tx,
    sql`select i.member_id, i.invoice_id, i.record from member_engine_invoices i
        where i.practice_id = ${practiceId}::uuid and i.member_id in ${idList(members)} and ${which}`,
  );
  const byMember = new Map<string, Record<string, InvoiceRecord>>();
  for (const r of rows) {
    const record = parsed<InvoiceRecord>(r.record);
    const mine = byMember.get(r.member_id) ?? {};
    byMember.set(r.member_id, mine);
    mine[r.invoice_id] = record;
    loaded.set(keyOf(r.member_id, r.invoice_id), JSON.stringify(record));
  }
  for (const [id, state] of entries) {
    if (!state || typeof state !== "object") continue;
    state.invoices = { ...(state.invoices ?? {}), ...byMember.get(id) };
  }
  return loaded;
}

/** The invoice records these states created or changed since they were loaded: the rows to write. */
export function changedInvoices(states: { memberId: string; state: MemberState }[], loaded: LoadedInvoices): InvoiceRow[] {
  const out: InvoiceRow[] = [];
  for (const { memberId, state } of states)
    for (const invoiceId in state.invoices) {
      const record = state.invoices[invoiceId]!;
      if (loaded.get(keyOf(memberId, invoiceId)) !== JSON.stringify(record)) out.push({ memberId, invoiceId, record });
    }
  return out;
}

/** Every record of these states (a rebuild or a merge rewrites them all). */
export const allInvoices = (states: { memberId: string; state: MemberState }[]): InvoiceRow[] => changedInvoices(states, new Map());

/** A state as its row stores it: the invoice records live in their own rows. */
export const storedState = (state: MemberState): MemberState => ({ ...state, invoices: {} });

/** Upserts invoice records (a statement, or a CTE of the store step's statement). */
export const upsertInvoices = (ctx: Ctx, rows: InvoiceRow[]) =>
  sql`insert into member_engine_invoices (practice_id, member_id, invoice_id, record, at)
      select ${ctx.practiceId}::uuid, x.member_id, x.invoice_id, x.record, x.at
      from jsonb_to_recordset(${jsonRows(
        rows.map((r) => ({
          member_id: r.memberId,
          invoice_id: r.invoiceId,
          record: r.record,
          at: r.record.at === undefined ? null : new Date(r.record.at).toISOString(),
        })),
      )}) as x(member_id uuid, invoice_id text, record jsonb, at timestamptz)
      on conflict (practice_id, member_id, invoice_id) do update set record = excluded.record, at = excluded.at`;

/** Deletes these members' invoice records (before a rebuild or a merge writes them again). */
export async function deleteInvoices(tx: Tx, practiceId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.execute(sql`delete from member_engine_invoices where practice_id = ${practiceId}::uuid and member_id in ${idList(memberIds)}`);
}

/** What a batch of events needs of its members' invoice records: those it names, and the tier window of its earliest event. */
export function invoiceNeedsOf(program: Program, inputs: { at: string; invoice?: { id: string } }[]): InvoiceNeeds {
  const invoiceIds = inputs.flatMap((e) => (e.invoice?.id === undefined ? [] : [e.invoice.id]));
  const tiers = program.tiers;
  if (tiers === null || tiers.by !== "spend" || inputs.length === 0) return { invoiceIds };
  let earliest = Number.POSITIVE_INFINITY;
  for (const e of inputs) earliest = Math.min(earliest, Date.parse(e.at));
  return { invoiceIds, tierWindowFrom: tierWindowFrom(program, earliest) };
}

/** The tier as of `now` reads, under `tiers by spend`, the records paid in the window: loads them into these states. */
export const withTierWindow = (
  db: Tx | Ctx["db"],
  practiceId: string,
  program: Program,
  states: Map<string, MemberState> | Record<string, MemberState>,
  now: number,
) => withInvoiceRecords(db, practiceId, states, { tierWindowFrom: tierWindowFrom(program, now) });

/** `tiers by spend`: the start of the trailing window as of `at` (ms), or null without such tiers. */
export function tierWindowFrom(program: Program, at: number): Date | null {
  const tiers = program.tiers;
  if (tiers === null || tiers.by !== "spend" || !Number.isFinite(at)) return null;
  return new Date(program.clock.addMonths(at, -tiers.months));
}
