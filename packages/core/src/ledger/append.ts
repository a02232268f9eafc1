// The only way points are written: append entries (skipping any whose idempotency key exists)
// and move the cached balance by exactly what was inserted, in the caller's transaction.

import { ledgerEntries, memberBalances, type Tx } from "@tally/db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";

export type LedgerEntry = typeof ledgerEntries.$inferSelect;
export type EntryKind = LedgerEntry["kind"];

export interface NewEntry {
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

/** Inserts the entries that are new (by idempotency key) and returns those; balances follow. */
export async function appendEntries(tx: Tx, ctx: Ctx, entries: NewEntry[]): Promise<LedgerEntry[]> {
  if (entries.length === 0) return [];
  for (const e of entries) {
    if (!Number.isSafeInteger(e.points)) throw new Error(`ledger: points must be an integer, got ${e.points}`);
  }
  const inserted = await tx
    .insert(ledgerEntries)
    .values(
      entries.map((e) => ({
        practiceId: ctx.practiceId,
        memberId: e.memberId,
        kind: e.kind,
        points: e.points,
        idempotencyKey: e.idempotencyKey,
        at: e.at,
        ruleName: e.ruleName ?? null,
        ruleSetVersionId: e.ruleSetVersionId ?? null,
        eventId: e.eventId ?? null,
        explanation: e.explanation ?? {},
        note: e.note ?? null,
        reversesEntryId: e.reversesEntryId ?? null,
        orderId: e.orderId ?? null,
        actorKind: ctx.actor.kind,
        actorId: ctx.actor.id,
      })),
    )
    .onConflictDoNothing({ target: [ledgerEntries.practiceId, ledgerEntries.idempotencyKey] })
    .returning();
  const delta = new Map<string, number>();
  for (const e of inserted) delta.set(e.memberId, (delta.get(e.memberId) ?? 0) + e.points);
  const rows = [...delta].map(([memberId, points]) => ({ memberId, practiceId: ctx.practiceId, balance: points }));
  if (rows.length > 0) {
    await tx
      .insert(memberBalances)
      .values(rows)
      .onConflictDoUpdate({
        target: memberBalances.memberId,
        set: { balance: sql`${memberBalances.balance} + excluded.balance`, updatedAt: sql`now()` },
      });
  }
  // Keep the caller's order (insert order is not guaranteed to be returned in order).
  const order = new Map(entries.map((e, i) => [e.idempotencyKey, i]));
  return inserted.sort((a, b) => order.get(a.idempotencyKey)! - order.get(b.idempotencyKey)!);
}

/**
 * Locks the balance rows of these members (creating missing ones) in a fixed order, so that
 * two transactions touching the same members queue instead of deadlocking. Returns balances.
 */
export async function lockBalances(tx: Tx, practiceId: string, memberIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(memberIds)].sort();
  if (ids.length === 0) return new Map();
  await tx
    .insert(memberBalances)
    .values(ids.map((memberId) => ({ memberId, practiceId, balance: 0 })))
    .onConflictDoNothing();
  const rows = await tx
    .select({ memberId: memberBalances.memberId, balance: memberBalances.balance })
    .from(memberBalances)
    .where(and(eq(memberBalances.practiceId, practiceId), inArray(memberBalances.memberId, ids)))
    .orderBy(asc(memberBalances.memberId))
    .for("update");
  return new Map(rows.map((r) => [r.memberId, r.balance]));
}

/** The balance derived from entries (what the cache must always equal). */
export async function ledgerSum(db: Tx | Ctx["db"], practiceId: string, memberId: string): Promise<number> {
  const [row] = await db
    .select({ sum: sql<string>`coalesce(sum(${ledgerEntries.points}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.practiceId, practiceId), eq(ledgerEntries.memberId, memberId)));
  return Number(row?.sum ?? 0);
}
