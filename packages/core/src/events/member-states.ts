// Members' engine states as stored: one row per member (member_engine_states) with `invoices: {}`,
// and what the engine keeps about each paid invoice in its own row (member_engine_invoices), so a
// state does not grow with the member's history. Every reader of a stored state loads it here,
// with the invoice records it needs: those its events name (a void, a revision) and, under
// `tiers by spend`, those paid in the trailing tier window. The engine's in-memory shape is the
// same either way (`invoices` holds what was loaded, and what this run added).
// The limit and cap counters (`${rule}|${period}`) likewise: the state row keeps each rule's
// latest period, older periods are rows of member_engine_counters, and a batch loads the periods
// its events fall in (and those of the awards a void takes back). A late event reads its own
// period's count, exactly as if every counter were inline.
// What `tiers by points` and `tiers by visits` count (the awards and check-ins, `tierAwards` and
// `visitTimes`) likewise: rows of member_engine_marks, none inline; a batch loads those after its
// earliest event's window start (every event of the batch reads only its own trailing window) and
// the awards of the invoices a void takes back.

import type { Tx } from "@tally/db";
import { type InvoiceRecord, weekStart } from "@tally/rules";
import { type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { anyText, anyUuid, jsonRows, query, textSet } from "../sql.ts";
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

/**
 * The members of these states and which of their rows a batch needs: every row (`all`), or those
 * whose `keyColumn` is one of `keys` or whose `atColumn` is after `from`. Null: nothing to read.
 */
function rowsWanted(
  entries: [string, MemberState][],
  keyColumn: SQL,
  keys: string[] | undefined,
  atColumn: SQL,
  from: Date | null | undefined,
  all: boolean | undefined,
): { members: string[]; which: SQL } | null {
  const members = entries.filter(([, s]) => s && typeof s === "object").map(([id]) => id);
  const wanted = [...new Set(keys ?? [])];
  if (members.length === 0 || (!all && wanted.length === 0 && !from)) return null;
  if (all) return { members, which: sql`true` };
  return {
    members,
    which: sql`(${wanted.length > 0 ? sql`${keyColumn} in ${textSet(wanted)}` : sql`false`}
              or ${from ? sql`${atColumn} > ${from.toISOString()}::timestamptz` : sql`false`})`,
  };
}

/** The stored states of these members (absent: none yet), with the invoice records and counters `needs` asks for. */
export async function loadMemberStates(
  tx: Tx | Ctx["db"],
  practiceId: string,
  memberIds: string[],
  needs: InvoiceNeeds & CounterNeeds & MarkNeeds & { forUpdate?: boolean } = {},
): Promise<{ states: Map<string, MemberState>; loaded: LoadedInvoices; counters: LoadedCounters; marks: LoadedMarks }> {
  const states = new Map<string, MemberState>();
  if (memberIds.length === 0) return { states, loaded: new Map(), counters: new Map(), marks: new Map() };
  const rows = await query<{ member_id: string; state: unknown }>(
    tx,
    sql`select member_id, state from member_engine_states
        where practice_id = ${practiceId}::uuid and member_id = ${anyUuid(memberIds)}
        ${needs.forUpdate ? sql`order by member_id for update` : sql``}`,
  );
  for (const r of rows) states.set(r.member_id, parsed<MemberState>(r.state));
  const loaded = await withInvoiceRecords(tx, practiceId, states, needs);
  const counters = await withCounters(tx, practiceId, states, needs);
  const marks = await withMarks(tx, practiceId, states, needs);
  return { states, loaded, counters, marks };
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
  const wanted = rowsWanted(entries, sql`i.invoice_id`, needs.invoiceIds, sql`i.at`, needs.tierWindowFrom, needs.all);
  if (wanted === null) return loaded;
  const { members, which } = wanted;
  const rows = await query<{ member_id: string; invoice_id: string; record: unknown }>(
    tx,
    sql`select i.member_id, i.invoice_id, i.record from member_engine_invoices i
        where i.practice_id = ${practiceId}::uuid and i.member_id = ${anyUuid(members)} and ${which}`,
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

/** A state as its row stores it: the invoice records, the counters of past periods and the tier marks live in their own rows. */
export function storedState(state: MemberState): MemberState {
  const out: MemberState = { ...state, invoices: {}, limits: inlineCounters(state.limits) };
  if (state.caps !== undefined) out.caps = inlineCounters(state.caps);
  delete out.tierAwards;
  delete out.visitTimes;
  return out;
}

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
  await tx.execute(sql`delete from member_engine_invoices where practice_id = ${practiceId}::uuid and member_id = ${anyUuid(memberIds)}`);
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

/**
 * The tier as of `now` reads what the window holds: under `tiers by spend` the records paid in
 * it, under `tiers by points` and `tiers by visits` its marks. Loads them into these states.
 */
export async function withTierWindow(
  db: Tx | Ctx["db"],
  practiceId: string,
  program: Program,
  states: Map<string, MemberState> | Record<string, MemberState>,
  now: number,
): Promise<void> {
  await withInvoiceRecords(db, practiceId, states, { tierWindowFrom: tierWindowFrom(program, now) });
  await withMarks(db, practiceId, states, { markWindowFrom: markWindowFrom(program, now) });
}

/** `tiers by spend`: the start of the trailing window as of `at` (ms), or null without such tiers. */
export function tierWindowFrom(program: Program, at: number): Date | null {
  const tiers = program.tiers;
  if (tiers === null || tiers.by !== "spend" || !Number.isFinite(at)) return null;
  return new Date(program.clock.addMonths(at, -tiers.months));
}

// ---------------------------------------------------------------------------------------------
// Limit and cap counters of past periods

export type CounterKind = "limit" | "cap";

export interface CounterRow {
  memberId: string;
  kind: CounterKind;
  key: string;
  period: string;
  value: number;
}

/** The counters as loaded (member, kind and key -> value): what the store step compares against. */
export type LoadedCounters = Map<string, number>;

const counterKey = (memberId: string, kind: CounterKind, key: string) => `${memberId}\u0000${kind}\u0000${key}`;
const PERIOD = /\|(\d{4}(?:-\d{2}(?:-\d{2})?)?|week of \d{4}-\d{2}-\d{2})$/;

/** The calendar period of a counter key (`${rule}|${period}`); null for `ever` (always inline). */
export function periodOf(key: string): string | null {
  return PERIOD.exec(key)?.[1] ?? null;
}

/** The periods an instant falls in (its local day, week, month and year): every counter a limit or cap at that instant reads. */
export function periodsAt(program: Program, ms: number): string[] {
  const d = program.clock.date(ms);
  return [d, `week of ${weekStart(d)}`, d.slice(0, 7), d.slice(0, 4)];
}

/** Keys that go to rows: per rule, every period but its latest (string order: the engine's keys sort by time within a rule). */
function archivedKeys(counts: Record<string, number>): Set<string> {
  const latest = new Map<string, { key: string; period: string }>();
  const out = new Set<string>();
  for (const key in counts) {
    const period = periodOf(key);
    if (period === null) continue;
    const rule = key.slice(0, key.length - period.length - 1);
    const prev = latest.get(rule);
    if (prev === undefined) latest.set(rule, { key, period });
    else if (prev.period < period) {
      out.add(prev.key);
      latest.set(rule, { key, period });
    } else out.add(key);
  }
  return out;
}

function inlineCounters(counts: Record<string, number>): Record<string, number> {
  const archived = archivedKeys(counts);
  if (archived.size === 0) return counts;
  const out: Record<string, number> = {};
  for (const key in counts) if (!archived.has(key)) out[key] = counts[key]!;
  return out;
}

export interface CounterNeeds {
  /** The periods whose counters to load. */
  periods?: string[];
  /** Every counter (a merge moves them all). */
  all?: boolean;
}

/** Whether the program counts anything per calendar period (a limit other than `per member`, a cap other than `per invoice`). */
function countsPerPeriod(program: Program): boolean {
  for (const r of program.rules) {
    const limit = (r as { limit?: { per: string } | null }).limit;
    const cap = (r as { cap?: { per: string } | null }).cap;
    if ((limit && limit.per !== "member") || (cap && cap.per !== "invoice")) return true;
  }
  for (const r of program.manual.values()) if (r.limit && r.limit.per !== "member") return true;
  return false;
}

/**
 * What a batch reads of its members' counters: the periods of each event's instant (its limits
 * and caps) and of the awards in the invoice records its events name (a void or a revision
 * takes their counts back). Call after the invoice records are loaded.
 */
export function counterNeedsOf(
  program: Program,
  states: Map<string, MemberState> | Record<string, MemberState>,
  inputs: { at: string; member?: string; invoice?: { id: string } }[],
): CounterNeeds {
  const periods = new Set<string>();
  if (countsPerPeriod(program)) for (const e of inputs) for (const p of periodsAt(program, Date.parse(e.at))) periods.add(p);
  const get = (id: string) => (states instanceof Map ? states.get(id) : states[id]);
  for (const e of inputs) {
    const id = e.invoice?.id;
    const record = id === undefined || e.member === undefined ? undefined : get(e.member)?.invoices?.[id];
    if (record === undefined) continue;
    for (const a of record.awards) {
      const lp = a.limitKey === undefined ? null : periodOf(a.limitKey);
      const cp = a.capKey === undefined ? null : periodOf(a.capKey);
      if (lp !== null) periods.add(lp);
      if (cp !== null) periods.add(cp);
    }
  }
  return { periods: [...periods] };
}

/**
 * Puts the counters `needs` asks for into these states' `limits` and `caps` (new objects; a
 * count the state holds inline wins, being the later). Returns them as loaded, for `changedCounters`.
 */
export async function withCounters(
  tx: Tx | Ctx["db"],
  practiceId: string,
  states: Map<string, MemberState> | Record<string, MemberState>,
  needs: CounterNeeds,
): Promise<LoadedCounters> {
  const loaded: LoadedCounters = new Map();
  const entries = states instanceof Map ? [...states] : Object.entries(states);
  const members = entries.filter(([, s]) => s && typeof s === "object").map(([id]) => id);
  const periods = needs.periods ?? [];
  if (members.length === 0 || (!needs.all && periods.length === 0)) return loaded;
  const rows = await query<{ member_id: string; kind: CounterKind; key: string; value: number }>(
    tx,
    sql`select c.member_id, c.kind, c.key, c.value from member_engine_counters c
        where c.practice_id = ${practiceId}::uuid and c.member_id = ${anyUuid(members)}
        ${needs.all ? sql`` : sql`and c.period = ${anyText(periods)}`}`,
  );
  if (rows.length === 0) return loaded;
  const byMember = new Map<string, { limits: Record<string, number>; caps: Record<string, number> }>();
  for (const r of rows) {
    const mine = byMember.get(r.member_id) ?? { limits: {}, caps: {} };
    byMember.set(r.member_id, mine);
    const value = Number(r.value);
    (r.kind === "cap" ? mine.caps : mine.limits)[r.key] = value;
    loaded.set(counterKey(r.member_id, r.kind, r.key), value);
  }
  for (const [id, state] of entries) {
    const mine = state && typeof state === "object" ? byMember.get(id) : undefined;
    if (mine === undefined) continue;
    state.limits = { ...mine.limits, ...state.limits };
    if (state.caps !== undefined || Object.keys(mine.caps).length > 0) state.caps = { ...mine.caps, ...state.caps };
  }
  return loaded;
}

/** The counters of past periods these states hold that differ from the rows as loaded: the rows to write. */
export function changedCounters(states: { memberId: string; state: MemberState }[], loaded: LoadedCounters): CounterRow[] {
  const out: CounterRow[] = [];
  for (const { memberId, state } of states)
    for (const [kind, counts] of [
      ["limit", state.limits],
      ["cap", state.caps],
    ] as const) {
      if (counts === undefined) continue;
      for (const key of archivedKeys(counts)) {
        const value = counts[key]!;
        if (loaded.get(counterKey(memberId, kind, key)) !== value) out.push({ memberId, kind, key, period: periodOf(key)!, value });
      }
    }
  return out;
}

/** Every counter of past periods of these states (a rebuild or a merge rewrites them all). */
export const allCounters = (states: { memberId: string; state: MemberState }[]): CounterRow[] => changedCounters(states, new Map());

/** Upserts counters (a statement, or a CTE of the store step's statement). */
export const upsertCounters = (ctx: Ctx, rows: CounterRow[]) =>
  sql`insert into member_engine_counters (practice_id, member_id, kind, key, period, value)
      select ${ctx.practiceId}::uuid, x.member_id, x.kind, x.key, x.period, x.value
      from jsonb_to_recordset(${jsonRows(
        rows.map((r) => ({ member_id: r.memberId, kind: r.kind, key: r.key, period: r.period, value: r.value })),
      )}) as x(member_id uuid, kind text, key text, period text, value integer)
      on conflict (practice_id, member_id, kind, key) do update set value = excluded.value`;

/** Deletes these members' counter rows (before a rebuild or a merge writes them again). */
export async function deleteCounters(tx: Tx, practiceId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.execute(sql`delete from member_engine_counters where practice_id = ${practiceId}::uuid and member_id = ${anyUuid(memberIds)}`);
}

// ---------------------------------------------------------------------------------------------
// Tier marks: `tiers by points` awards and `tiers by visits` check-ins

export type MarkKind = "points" | "visit";

export interface MarkRow {
  memberId: string;
  kind: MarkKind;
  key: string;
  /** kind "points": the awarding event. */
  event: string | null;
  at: number;
  value: number;
}

export interface MarkNeeds {
  /** `tiers by points` or `by visits`: the marks after this instant (the earliest event's window start). */
  markWindowFrom?: Date | null;
  /** The awards of these events (the invoices a void or a revision takes back). */
  markEvents?: string[];
  /** Every mark (a merge moves them all). */
  all?: boolean;
}

/** The marks as loaded (member, kind and key -> value): what the store step compares against. */
export type LoadedMarks = Map<string, number>;

const markKey = (memberId: string, kind: MarkKind, key: string) => `${memberId}\u0000${kind}\u0000${key}`;

/** `tiers by points` or `by visits`: the start of the trailing window as of `at` (ms), or null without such tiers. */
export function markWindowFrom(program: Program, at: number): Date | null {
  const tiers = program.tiers;
  if (tiers === null || tiers.by === "spend" || !Number.isFinite(at)) return null;
  return new Date(program.clock.addMonths(at, -tiers.months));
}

/**
 * What a batch reads of its members' marks: those after the tier window start of its earliest
 * event, and the awards of the invoices its events name (a void takes them back, wherever they
 * fall). Call after the invoice records are loaded.
 */
export function markNeedsOf(
  program: Program,
  states: Map<string, MemberState> | Record<string, MemberState>,
  inputs: { at: string; member?: string; invoice?: { id: string } }[],
): MarkNeeds {
  const tiers = program.tiers;
  if (tiers === null || tiers.by === "spend" || inputs.length === 0) return {};
  let earliest = Number.POSITIVE_INFINITY;
  for (const e of inputs) earliest = Math.min(earliest, Date.parse(e.at));
  const events = new Set<string>();
  if (tiers.by === "points") {
    const get = (id: string) => (states instanceof Map ? states.get(id) : states[id]);
    for (const e of inputs) {
      const id = e.invoice?.id;
      const record = id === undefined || e.member === undefined ? undefined : get(e.member)?.invoices?.[id];
      if (record !== undefined) events.add(record.event);
    }
  }
  return { markWindowFrom: markWindowFrom(program, earliest), markEvents: [...events] };
}

/**
 * Puts the marks `needs` asks for into these states' `tierAwards` and `visitTimes` (new arrays,
 * earliest first; marks a state still holds inline, from before they had rows, follow). Returns
 * them as loaded, for `changedMarks`.
 */
export async function withMarks(
  tx: Tx | Ctx["db"],
  practiceId: string,
  states: Map<string, MemberState> | Record<string, MemberState>,
  needs: MarkNeeds,
): Promise<LoadedMarks> {
  const loaded: LoadedMarks = new Map();
  const entries = states instanceof Map ? [...states] : Object.entries(states);
  const wanted = rowsWanted(entries, sql`m.event`, needs.markEvents, sql`m.at`, needs.markWindowFrom, needs.all);
  if (wanted === null) return loaded;
  const { members, which } = wanted;
  const rows = await query<{ member_id: string; kind: MarkKind; key: string; event: string | null; ms: string | number; value: number }>(
    tx,
    sql`select m.member_id, m.kind, m.key, m.event, (extract(epoch from m.at) * 1000)::bigint as ms, m.value
        from member_engine_marks m
        where m.practice_id = ${practiceId}::uuid and m.member_id = ${anyUuid(members)} and ${which}`,
  );
  if (rows.length === 0) return loaded;
  const byMember = new Map<string, { awards: (MarkRow & { n: number; rule: string })[]; visits: number[] }>();
  for (const r of rows) {
    const mine = byMember.get(r.member_id) ?? { awards: [], visits: [] };
    byMember.set(r.member_id, mine);
    const at = Number(r.ms);
    const value = Number(r.value);
    loaded.set(markKey(r.member_id, r.kind, r.key), value);
    if (r.kind === "visit") for (let i = 0; i < value; i++) mine.visits.push(at);
    else {
      const [, n, rule] = splitPointsKey(r.key);
      mine.awards.push({ memberId: r.member_id, kind: r.kind, key: r.key, event: r.event, at, value, n, rule });
    }
  }
  for (const [id, state] of entries) {
    const mine = state && typeof state === "object" ? byMember.get(id) : undefined;
    if (mine === undefined) continue;
    if (mine.awards.length > 0) {
      mine.awards.sort((a, b) => a.at - b.at || (a.event! < b.event! ? -1 : a.event! > b.event! ? 1 : 0) || a.n - b.n);
      const awards = mine.awards.map((a) => ({ at: a.at, event: a.event!, rule: a.rule, points: a.value }));
      state.tierAwards = [...awards, ...(state.tierAwards ?? [])];
    }
    if (mine.visits.length > 0) state.visitTimes = [...mine.visits.sort((a, b) => a - b), ...(state.visitTimes ?? [])];
  }
  return loaded;
}

/** A points mark's key: `${event}|${n}|${rule}` (event ids hold no `|`; a rule name may). */
function splitPointsKey(key: string): [string, number, string] {
  const a = key.indexOf("|");
  const b = key.indexOf("|", a + 1);
  return [key.slice(0, a), Number(key.slice(a + 1, b)), key.slice(b + 1)];
}

/** Every mark these states hold, as rows (n: the ordinal among a member's awards of one event and rule). */
function marksOf(memberId: string, state: MemberState): MarkRow[] {
  const out: MarkRow[] = [];
  if (state.tierAwards !== undefined) {
    const seen = new Map<string, number>();
    for (const a of state.tierAwards) {
      const group = `${a.event}|${a.rule}`;
      const n = seen.get(group) ?? 0;
      seen.set(group, n + 1);
      out.push({ memberId, kind: "points", key: `${a.event}|${n}|${a.rule}`, event: a.event, at: a.at, value: a.points });
    }
  }
  if (state.visitTimes !== undefined) {
    const counts = new Map<number, number>();
    for (const v of state.visitTimes) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [at, value] of counts) out.push({ memberId, kind: "visit", key: String(at), event: null, at, value });
  }
  return out;
}

/** The marks these states created or changed since they were loaded: the rows to write. */
export function changedMarks(states: { memberId: string; state: MemberState }[], loaded: LoadedMarks): MarkRow[] {
  const out: MarkRow[] = [];
  for (const { memberId, state } of states)
    for (const row of marksOf(memberId, state)) if (loaded.get(markKey(memberId, row.kind, row.key)) !== row.value) out.push(row);
  return out;
}

/** Every mark of these states (a rebuild or a merge rewrites them all). */
export const allMarks = (states: { memberId: string; state: MemberState }[]): MarkRow[] => changedMarks(states, new Map());

/** Upserts marks (a statement, or a CTE of the store step's statement). */
export const upsertMarks = (ctx: Ctx, rows: MarkRow[]) =>
  sql`insert into member_engine_marks (practice_id, member_id, kind, key, event, at, value)
      select ${ctx.practiceId}::uuid, x.member_id, x.kind, x.key, x.event, x.at, x.value
      from jsonb_to_recordset(${jsonRows(
        rows.map((r) => ({
          member_id: r.memberId,
          kind: r.kind,
          key: r.key,
          event: r.event,
          at: new Date(r.at).toISOString(),
          value: r.value,
        })),
      )}) as x(member_id uuid, kind text, key text, event text, at timestamptz, value integer)
      on conflict (practice_id, member_id, kind, key) do update set value = excluded.value, at = excluded.at, event = excluded.event`;

/** Deletes these members' marks (before a rebuild or a merge writes them again). */
export async function deleteMarks(tx: Tx, practiceId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.execute(sql`delete from member_engine_marks where practice_id = ${practiceId}::uuid and member_id = ${anyUuid(memberIds)}`);
}
