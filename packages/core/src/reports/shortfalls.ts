// Members in shortfall: a reversal (a voided or revised invoice) took back points they had
// already spent, so their balance is below zero. Staff see them on the dashboard, in the
// reports and on the member's profile; each shortfall is also in the audit log (ledger.shortfall).

import { memberBalances, members } from "@tally/db";
import { and, asc, eq, lt, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";

export interface Shortfall {
  memberId: string;
  name: string;
  /** Below zero: the points the member owes. */
  balance: number;
}

export async function listShortfalls({ ctx }: { ctx: Ctx }): Promise<Shortfall[]> {
  authorize(ctx, "reports.view");
  const rows = await ctx.db
    .select({ memberId: members.id, firstName: members.firstName, lastName: members.lastName, balance: memberBalances.balance })
    .from(memberBalances)
    .innerJoin(members, and(eq(members.practiceId, memberBalances.practiceId), eq(members.id, memberBalances.memberId)))
    .where(and(eq(memberBalances.practiceId, ctx.practiceId), lt(memberBalances.balance, 0)))
    .orderBy(asc(memberBalances.balance), asc(members.lastName))
    .limit(1000);
  return rows.map((r) => ({ memberId: r.memberId, name: `${r.firstName} ${r.lastName}`, balance: r.balance }));
}

/** How many members are in shortfall and how many points they owe in all (the dashboard's alert). */
export async function shortfallTotals(ctx: Ctx): Promise<{ members: number; points: number }> {
  const [row] = await ctx.db
    .select({ n: sql<string>`count(*)`, owed: sql<string>`coalesce(-sum(${memberBalances.balance}), 0)` })
    .from(memberBalances)
    .where(and(eq(memberBalances.practiceId, ctx.practiceId), lt(memberBalances.balance, 0)));
  return { members: Number(row?.n ?? 0), points: Number(row?.owed ?? 0) };
}
