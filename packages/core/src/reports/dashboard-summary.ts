// The four figures at the top of the admin dashboard, and the recent check-ins and unlocked
// instant rewards that seed its live feed. "Today" and "this week" (from Monday) are calendar
// periods in the practice's timezone.

import { actionRequests, events, issuedCoupons, ledgerEntries, members, orders } from "@tally/db";
import { and, desc, eq, gt, gte, isNotNull, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { shortfallTotals } from "./shortfalls.ts";

const n = (v: unknown) => Number(v ?? 0);

export async function dashboardSummary({ ctx, input }: { ctx: Ctx; input?: { now?: Date } }) {
  authorize(ctx, "reports.view");
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const tz = practice.timezone;
  const now = input?.now ?? new Date();
  const nowIso = now.toISOString();
  // Local midnight / Monday as instants: truncate the local wall time, then read it back in the zone.
  const startOf = (unit: "day" | "week") => sql`(date_trunc(${unit}, (${nowIso}::timestamptz at time zone ${tz})) at time zone ${tz})`;

  const [checkIns] = await ctx.db
    .select({ n: sql`count(*)` })
    .from(events)
    .where(and(eq(events.practiceId, ctx.practiceId), eq(events.type, "visit.checked_in"), gte(events.at, startOf("day"))));
  const [pending] = await ctx.db
    .select({ n: sql`count(*)` })
    .from(actionRequests)
    .where(and(eq(actionRequests.practiceId, ctx.practiceId), eq(actionRequests.status, "pending")));
  const [open] = await ctx.db
    .select({ n: sql`count(*)` })
    .from(orders)
    .where(and(eq(orders.practiceId, ctx.practiceId), eq(orders.status, "pending")));
  const [issued] = await ctx.db
    .select({ n: sql`coalesce(sum(${ledgerEntries.points}), 0)` })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.practiceId, ctx.practiceId),
        sql`${ledgerEntries.kind} in ('earn', 'reward', 'milestone')`,
        gte(ledgerEntries.at, startOf("week")),
      ),
    );

  const recentCheckIns = await ctx.db
    .select({
      id: events.id,
      at: events.at,
      memberId: events.memberId,
      firstName: members.firstName,
      lastName: members.lastName,
      payload: events.payload,
      outcome: events.outcome,
    })
    .from(events)
    .innerJoin(members, eq(members.id, events.memberId))
    .where(and(eq(events.practiceId, ctx.practiceId), eq(events.type, "visit.checked_in")))
    .orderBy(desc(events.at))
    .limit(10);
  // Instant rewards are the coupons with a redemption window still open.
  const unlocked = await ctx.db
    .select({
      id: issuedCoupons.id,
      coupon: issuedCoupons.coupon,
      rule: issuedCoupons.ruleName,
      issuedAt: issuedCoupons.issuedAt,
      expiresAt: issuedCoupons.expiresAt,
      memberId: issuedCoupons.memberId,
      firstName: members.firstName,
      lastName: members.lastName,
    })
    .from(issuedCoupons)
    .innerJoin(members, eq(members.id, issuedCoupons.memberId))
    .where(
      and(
        eq(issuedCoupons.practiceId, ctx.practiceId),
        eq(issuedCoupons.status, "active"),
        isNotNull(issuedCoupons.expiresAt),
        gt(issuedCoupons.expiresAt, now),
      ),
    )
    .orderBy(desc(issuedCoupons.issuedAt))
    .limit(10);

  const shortfalls = await shortfallTotals(ctx);

  const points = (outcome: Record<string, unknown>) =>
    ((outcome.awards as { points?: number }[] | undefined) ?? []).reduce((s, a) => s + n(a.points), 0);
  return {
    timezone: tz,
    checkInsToday: n(checkIns?.n),
    pendingApprovals: n(pending?.n),
    openOrders: n(open?.n),
    pointsIssuedThisWeek: n(issued?.n),
    /** Members whose balance a reversal left below zero, and the points they owe in all. */
    shortfalls,
    recentCheckIns: recentCheckIns.map((c) => ({
      id: c.id,
      at: c.at,
      memberId: c.memberId,
      name: `${c.firstName} ${c.lastName.slice(0, 1)}.`,
      method: String((c.payload as { visit?: { method?: string } }).visit?.method ?? "staff"),
      points: points(c.outcome),
    })),
    unlockedInstantRewards: unlocked.map((u) => ({
      id: u.id,
      coupon: u.coupon,
      rule: u.rule,
      issuedAt: u.issuedAt,
      expiresAt: u.expiresAt,
      memberId: u.memberId,
      name: `${u.firstName} ${u.lastName.slice(0, 1)}.`,
    })),
  };
}
