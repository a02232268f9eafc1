// Reading points: a member's balance and their ledger history with the "why" of each line.

import { ledgerEntries, memberBalances, members, orders, staffUsers } from "@tally/db";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { recordMemberAccess } from "../audit/access-log.ts";
import { cachePerDatabase } from "../cache.ts";
import type { Ctx } from "../context.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { perDatabase } from "../sql.ts";
import { type Input, notFound, parseInput } from "../verb.ts";

export const getBalanceInput = z.object({ memberId: z.uuid() });

// One query, built once: the member (of this practice, else NOT_FOUND) with its cached balance.
const balanceQuery = perDatabase((db: Ctx["db"]) =>
  db
    .select({ balance: memberBalances.balance })
    .from(members)
    .leftJoin(memberBalances, and(eq(memberBalances.practiceId, members.practiceId), eq(memberBalances.memberId, members.id)))
    .where(and(eq(members.id, sql.placeholder("memberId")), eq(members.practiceId, sql.placeholder("practiceId"))))
    .prepare("member_balance"),
);

/** Balances read since the last write (cache.ts): repeated lookups cost no query. */
const balances = cachePerDatabase<string, number | null>(["member_balances", "members"]);

export async function getBalance({ ctx, input }: { ctx: Ctx; input: Input<typeof getBalanceInput> }) {
  authorize(ctx, "ledger.balance");
  const { memberId } = parseInput(getBalanceInput, input);
  assertSelf(ctx, memberId);
  const balance = await balances(ctx.db).get(ctx.db, `${ctx.practiceId}:${memberId}`, async () => {
    const [row] = await balanceQuery(ctx.db).execute({ memberId, practiceId: ctx.practiceId });
    return row ? (row.balance ?? 0) : null;
  });
  if (balance === null) throw notFound("Member");
  return { memberId, balance };
}

export const ledgerHistoryInput = z.object({
  memberId: z.uuid(),
  limit: z.number().int().min(1).max(500).default(50),
  /** Entries strictly before this time (for paging backwards). */
  before: z.coerce.date().optional(),
});

export async function ledgerHistory({ ctx, input }: { ctx: Ctx; input: Input<typeof ledgerHistoryInput> }) {
  authorize(ctx, "ledger.history");
  const q = parseInput(ledgerHistoryInput, input);
  assertSelf(ctx, q.memberId);
  await findMember(ctx.db, ctx, q.memberId);
  // A survivor's history includes the records merged into it: their entries and the merge's pair
  // of entries together sum to the balance moved, so the lines shown add up to the balance.
  const merged = await ctx.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), eq(members.mergedIntoId, q.memberId)));
  const ids = [q.memberId, ...merged.map((m) => m.id)];
  const where = [eq(ledgerEntries.practiceId, ctx.practiceId), inArray(ledgerEntries.memberId, ids)];
  if (q.before) where.push(lt(ledgerEntries.at, q.before));
  const rows = await ctx.db
    .select({ e: ledgerEntries, rewardName: orders.rewardName, staffName: staffUsers.name })
    .from(ledgerEntries)
    .leftJoin(orders, and(eq(orders.practiceId, ledgerEntries.practiceId), eq(orders.id, ledgerEntries.orderId)))
    .leftJoin(
      staffUsers,
      and(
        eq(staffUsers.practiceId, ledgerEntries.practiceId),
        eq(ledgerEntries.actorKind, "staff"),
        eq(sql`${staffUsers.id}::text`, ledgerEntries.actorId),
      ),
    )
    .where(and(...where))
    .orderBy(desc(ledgerEntries.at), desc(ledgerEntries.createdAt))
    .limit(q.limit);
  await recordMemberAccess(ctx, q.memberId, "member.history.read");
  return rows.map(({ e, rewardName, staffName }) => ({
    id: e.id,
    memberId: e.memberId,
    kind: e.kind,
    points: e.points,
    ruleName: e.ruleName,
    ruleSetVersionId: e.ruleSetVersionId,
    eventId: e.eventId,
    orderId: e.orderId,
    note: e.note,
    explanation: e.explanation,
    rewardName,
    staffName,
    why: explain(e.kind, e.points, e.explanation, { rewardName, staffName }),
    at: e.at,
  }));
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** One line of plain English: "why 37 points?". */
export function explain(
  kind: string,
  points: number,
  x: Record<string, unknown>,
  who: { rewardName?: string | null; staffName?: string | null } = {},
): string {
  const n = `${points} point${Math.abs(points) === 1 ? "" : "s"}`;
  if (kind === "earn" && typeof x.basis === "number" && typeof x.rate === "number" && typeof x.per === "number") {
    if (x.mode === "total_spend") {
      return `${n} from "${x.rule}": lifetime spend ${dollars(Number(x.lifetimeBasis))} at ${x.rate} per ${dollars(x.per)}, less ${x.settledBefore} already earned`;
    }
    return `${n} from "${x.rule}": ${dollars(x.basis)} of ${x.items === "all" ? "" : "eligible "}spend at ${x.rate} point${x.rate === 1 ? "" : "s"} per ${dollars(x.per)}`;
  }
  if (kind === "milestone") return `${n} from milestone "${x.rule}"${x.phase ? ` (phase ${x.phase})` : ""}`;
  if (kind === "reward") return `${n} from reward "${x.rule}"`;
  if (kind === "reversal") return `${n}: invoice voided, reverses "${x.rule}"`;
  if (kind === "redemption") return `${n} redeemed${who.rewardName ? ` for "${who.rewardName}"` : ""}`;
  if (kind === "adjustment") {
    if (x.mergedFrom) return `${n} moved from a duplicate record merged into this one`;
    if (x.mergedInto) return `${n} moved to the record this duplicate was merged into`;
    return `${n} adjusted by ${who.staffName ?? "staff"}${x.note ? `: ${x.note}` : ""}`;
  }
  if (kind === "refund") return `${n} refunded${x.reason ? `: ${x.reason}` : ""}`;
  return n;
}
