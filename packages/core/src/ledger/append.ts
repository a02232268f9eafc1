// The only writer of the ledger: every entry, whatever the path, is inserted here, and the cached
// balance moves by exactly what was inserted, in the caller's transaction. One row shape; three
// ways to store it (the caller's size and engine choose): `appendEntries` (one statement, new
// keys only), `ledgerWrites` (the same insert as part of a larger statement) and `copyEntries`
// (COPY, for large batches of entries whose keys are new by construction). Each also adds what it
// wrote to the daily rollups (`rollup.ts`) in the same transaction.

import { ledgerEntries, memberBalances, type Tx } from "@tally/db";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { anyUuid, copyIn, copyText, jsonRows, query, type RawSql } from "../sql.ts";
import { rollupWrites } from "./rollup.ts";

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type EntryKind = LedgerEntry["kind"];

export interface NewEntry {
  /** Chosen by the caller when another entry of the same batch must point at it. */
  id?: string;
  memberId: string;
  kind: EntryKind;
  points: number;
  idempotencyKey: string;
  at: Date;
  ruleName?: string | null;
  ruleSetVersionId?: string | null;
  eventId?: string | null;
  explanation?: Record<string, unknown>;
  note?: string | null;
  reversesEntryId?: string | null;
  orderId?: string | null;
}

/** What appending returns for each entry actually written. */
export interface AppendedEntry {
  id: string;
  memberId: string;
  points: number;
  idempotencyKey: string;
}

/** An entry as a row of the set-based inserts (`jsonb_to_recordset`, snake_case columns). */
export const entryRow = (e: NewEntry) => ({
  id: e.id ?? null,
  member_id: e.memberId,
  kind: e.kind,
  points: e.points,
  idempotency_key: e.idempotencyKey,
  at: e.at.toISOString(),
  rule_name: e.ruleName ?? null,
  rule_set_version_id: e.ruleSetVersionId ?? null,
  event_id: e.eventId ?? null,
  explanation: e.explanation ?? {},
  note: e.note ?? null,
  reverses_entry_id: e.reversesEntryId ?? null,
  order_id: e.orderId ?? null,
});

const checkPoints = (entries: NewEntry[]) => {
  for (const e of entries) {
    if (!Number.isSafeInteger(e.points)) throw new Error(`ledger: points must be an integer, got ${e.points}`);
    if (e.kind === "reversal" && !e.reversesEntryId) throw new Error(`ledger: reversal ${e.idempotencyKey} names no entry`);
  }
};

/** The one insert of entries (new idempotency keys only), as SQL to run alone or inside a statement. */
const insertEntries = (ctx: Ctx, entries: NewEntry[]) =>
  sql`insert into ledger_entries (id, practice_id, member_id, kind, points, idempotency_key, at, rule_name, rule_set_version_id, event_id,
                                  explanation, note, reverses_entry_id, order_id, actor_kind, actor_id)
      select coalesce(x.id, gen_random_uuid()), ${ctx.practiceId}::uuid, x.member_id, x.kind, x.points, x.idempotency_key, x.at, x.rule_name, x.rule_set_version_id, x.event_id,
             x.explanation, x.note, x.reverses_entry_id, x.order_id, ${ctx.actor.kind}, ${ctx.actor.id}
      from jsonb_to_recordset(${jsonRows(entries.map(entryRow))}) as x(id uuid, member_id uuid, kind ledger_entry_kind, points bigint, idempotency_key text,
           at timestamptz, rule_name text, rule_set_version_id uuid, event_id uuid, explanation jsonb, note text,
           reverses_entry_id uuid, order_id uuid)
      on conflict (practice_id, idempotency_key) do nothing`;

/** What the rollups need of the entries inserted by `le`. */
const insertedColumns = sql`member_id, kind, rule_name, at, points`;
const fromInserted = sql`select member_id, kind, rule_name, at, points, 1 as n from le`;

/**
 * The entries' insert, the balance move and the rollups as common table expressions (`le`,
 * `bal`, `rl…`) for a statement that writes more (the event pipeline writes events, entries,
 * balances and engine states in one statement). The balances must exist (locked by `lockBalances`).
 */
export function ledgerWrites(ctx: Ctx, entries: NewEntry[]): SQL {
  checkPoints(entries);
  return sql`le as (${insertEntries(ctx, entries)} returning ${insertedColumns}),
    bal as (
      update member_balances b set balance = b.balance + d.delta, updated_at = now()
      from (select member_id, sum(points)::bigint as delta from le group by member_id) d
      where b.member_id = d.member_id),
    ${rollupWrites(ctx, fromInserted)}`;
}

const COPY_COLUMNS =
  "id, practice_id, member_id, kind, points, idempotency_key, at, rule_name, rule_set_version_id, event_id, explanation, note, reverses_entry_id, order_id, actor_kind, actor_id";

/**
 * Large batches whose keys are new by construction (entries of events inserted in this same
 * transaction): COPY, then the balances (which must exist, locked) move by the sums. A key that
 * exists after all fails the COPY and rolls the caller's transaction back.
 */
export async function copyEntries(pg: RawSql, tx: Tx, ctx: Ctx, entries: NewEntry[]): Promise<void> {
  if (entries.length === 0) return;
  checkPoints(entries);
  const P = ctx.practiceId;
  const actor = `${copyText(ctx.actor.kind)}\t${copyText(ctx.actor.id)}`;
  const delta = new Map<string, number>();
  for (const e of entries) delta.set(e.memberId, (delta.get(e.memberId) ?? 0) + e.points);
  // The rollups first: their statement must not see these entries (a member's day is new when
  // none of their entries that day was there before).
  const grouped = new Map<
    string,
    { member_id: string; kind: EntryKind; rule_name: string | null; at: string; points: number; n: number }
  >();
  for (const e of entries) {
    const at = e.at.toISOString();
    const key = `${e.memberId}|${e.kind}|${e.ruleName ?? ""}|${at}`;
    const g = grouped.get(key);
    if (g) {
      g.points += e.points;
      g.n++;
    } else grouped.set(key, { member_id: e.memberId, kind: e.kind, rule_name: e.ruleName ?? null, at, points: e.points, n: 1 });
  }
  await tx.execute(
    sql`with ${rollupWrites(
      ctx,
      sql`select * from jsonb_to_recordset(${jsonRows([...grouped.values()])})
          as x(member_id uuid, kind ledger_entry_kind, rule_name text, at timestamptz, points bigint, n bigint)`,
    )} select 1`,
  );
  await copyIn(
    pg,
    `copy ledger_entries (${COPY_COLUMNS}) from stdin`,
    (function* () {
      for (let i = 0; i < entries.length; i += 2000) {
        let out = "";
        for (const e of entries.slice(i, i + 2000)) {
          out += `${e.id ?? crypto.randomUUID()}\t${P}\t${e.memberId}\t${e.kind}\t${e.points}\t${copyText(e.idempotencyKey)}\t${e.at.toISOString()}\t${copyText(e.ruleName ?? null)}\t${copyText(e.ruleSetVersionId ?? null)}\t${copyText(e.eventId ?? null)}\t${copyText(JSON.stringify(e.explanation ?? {}))}\t${copyText(e.note ?? null)}\t${copyText(e.reversesEntryId ?? null)}\t${copyText(e.orderId ?? null)}\t${actor}\n`;
        }
        yield out;
      }
    })(),
  );
  const moves = [...delta].filter(([, d]) => d !== 0).map(([member_id, delta]) => ({ member_id, delta }));
  for (let i = 0; i < moves.length; i += 5000)
    await tx.execute(
      sql`update member_balances b set balance = b.balance + x.delta, updated_at = now()
          from jsonb_to_recordset(${jsonRows(moves.slice(i, i + 5000))}) as x(member_id uuid, delta bigint) where b.member_id = x.member_id`,
    );
}

/**
 * Each reversal names the entry it takes back: the entry keyed `reversesKey` in its explanation,
 * in this batch or already stored.
 */
export async function resolveReversals(tx: Tx, ctx: Ctx, entries: NewEntry[]): Promise<void> {
  const reversals = entries.filter((e) => e.kind === "reversal" && !e.reversesEntryId);
  if (reversals.length === 0) return;
  const idOf = new Map(entries.map((e) => [e.idempotencyKey, e.id ?? null]));
  const missing = [...new Set(reversals.map((e) => String(e.explanation?.reversesKey)).filter((k) => !idOf.get(k)))];
  for (let i = 0; i < missing.length; i += 5000) {
    const stored = await tx
      .select({ id: ledgerEntries.id, key: ledgerEntries.idempotencyKey })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), inArray(ledgerEntries.idempotencyKey, missing.slice(i, i + 5000))));
    for (const o of stored) idOf.set(o.key, o.id);
  }
  // An award booked before a merge names the merged-away record (its key ends with that member's
  // id): the survivor's reversal takes back that entry.
  const unresolved = reversals.filter((e) => !idOf.get(String(e.explanation?.reversesKey)));
  for (let i = 0; i < unresolved.length; i += 5000) {
    const rows = unresolved.slice(i, i + 5000).map((e) => ({ key: String(e.explanation?.reversesKey), member_id: e.memberId }));
    const found = await query<{ key: string; id: string }>(
      tx,
      sql`select x.key, l.id
          from jsonb_to_recordset(${jsonRows(rows)}) as x(key text, member_id uuid)
          join members m on m.practice_id = ${ctx.practiceId}::uuid and m.merged_into_id = x.member_id
          join ledger_entries l on l.practice_id = ${ctx.practiceId}::uuid
           and l.idempotency_key = left(x.key, length(x.key) - length(x.member_id::text)) || m.id::text
          where right(x.key, length(x.member_id::text)) = x.member_id::text`,
    );
    for (const r of found) idOf.set(r.key, r.id);
  }
  for (const e of reversals) e.reversesEntryId = idOf.get(String(e.explanation?.reversesKey)) ?? null;
}

/** Inserts the entries that are new (by idempotency key) and returns those; balances follow. */
export async function appendEntries(tx: Tx, ctx: Ctx, entries: NewEntry[]): Promise<AppendedEntry[]> {
  if (entries.length === 0) return [];
  checkPoints(entries);
  // Held first, as every writer does (the rollups' count of members per day relies on it).
  await lockBalances(
    tx,
    ctx.practiceId,
    entries.map((e) => e.memberId),
  );
  const inserted = await query<{ id: string; member_id: string; points: number; idempotency_key: string }>(
    tx,
    sql`with le as (${insertEntries(ctx, entries)} returning id, idempotency_key, ${insertedColumns}),
             ${rollupWrites(ctx, fromInserted)}
        select id, member_id, points, idempotency_key from le`,
  );
  const written = inserted.map((r) => ({ id: r.id, memberId: r.member_id, points: Number(r.points), idempotencyKey: r.idempotency_key }));
  const delta = new Map<string, number>();
  for (const e of written) delta.set(e.memberId, (delta.get(e.memberId) ?? 0) + e.points);
  const balances = [...delta].map(([memberId, points]) => ({ memberId, practiceId: ctx.practiceId, balance: points }));
  if (balances.length > 0) {
    await tx
      .insert(memberBalances)
      .values(balances)
      .onConflictDoUpdate({
        target: [memberBalances.practiceId, memberBalances.memberId],
        set: { balance: sql`${memberBalances.balance} + excluded.balance`, updatedAt: sql`now()` },
      });
  }
  // Keep the caller's order (insert order is not guaranteed to be returned in order).
  const order = new Map(entries.map((e, i) => [e.idempotencyKey, i]));
  return written.sort((a, b) => order.get(a.idempotencyKey)! - order.get(b.idempotencyKey)!);
}

/**
 * Locks the balance rows of these members (creating missing ones) in a fixed order, so that
 * two transactions touching the same members queue instead of deadlocking. Returns balances.
 */
export async function lockBalances(tx: Tx, practiceId: string, memberIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(memberIds)].sort();
  if (ids.length === 0) return new Map();
  const lock = () =>
    query<{ member_id: string; balance: number }>(
      tx,
      sql`select member_id, balance from member_balances
          where practice_id = ${practiceId}::uuid and member_id = ${anyUuid(ids)}
          order by member_id
          for update`,
    );
  // Usually every row exists and one statement does it; missing rows are created (in id order,
  // after the existing ones are held) and the set is locked again.
  let rows = await lock();
  if (rows.length < ids.length) {
    const have = new Set(rows.map((r) => r.member_id));
    // Only for members of this practice: an id of another practice stays without a row (the
    // caller's member check answers it), and the (practice_id, member_id) key never fails.
    const missing = ids.filter((id) => !have.has(id));
    await query(
      tx,
      sql`insert into member_balances (member_id, practice_id, balance)
          select m.id, m.practice_id, 0 from members m
          where m.practice_id = ${practiceId}::uuid and m.id = ${anyUuid(missing)}
          on conflict do nothing`,
    );
    rows = await lock();
  }
  return new Map(rows.map((r) => [r.member_id, Number(r.balance)]));
}

/** The balance derived from entries (what the cache must always equal). */
export async function ledgerSum(db: Tx | Ctx["db"], practiceId: string, memberId: string): Promise<number> {
  const [row] = await db
    .select({ sum: sql<string>`coalesce(sum(${ledgerEntries.points}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.practiceId, practiceId), eq(ledgerEntries.memberId, memberId)));
  return Number(row?.sum ?? 0);
}
