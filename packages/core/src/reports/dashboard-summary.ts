// The four figures at the top of the admin dashboard, and the recent check-ins and coupons
// (unlocked, won or bought) that seed its live feed. "Today" and "this week" (from Monday) are calendar
// periods in the practice's timezone.

import { actionRequests, events, issuedCoupons, ledgerEntries, members, orders, rewards, ruleSetVersions } from "@tally/db";
import { parse } from "@tally/rules";
import { and, desc, eq, gt, gte, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { checkInsCounted, issuedEntry } from "./reports.ts";
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

  // The same definitions as Reports: patients checked in today (each once), points issued.
  const [checkIns] = await ctx.db
    .select({ n: checkInsCounted })
    .from(events)
    .where(
      and(
        eq(events.practiceId, ctx.practiceId),
        eq(events.type, "visit.checked_in"),
        gte(events.at, startOf("day")),
        lt(events.at, sql`${startOf("day")} + interval '1 day'`),
      ),
    );
  const checkedInToday = await ctx.db
    .selectDistinct({ memberId: events.memberId })
    .from(events)
    .where(
      and(
        eq(events.practiceId, ctx.practiceId),
        eq(events.type, "visit.checked_in"),
        gte(events.at, startOf("day")),
        lt(events.at, sql`${startOf("day")} + interval '1 day'`),
      ),
    )
    .limit(5000);
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
      and(eq(ledgerEntries.practiceId, ctx.practiceId), issuedEntry, gte(ledgerEntries.at, startOf("week")), lte(ledgerEntries.at, now)),
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
    .innerJoin(members, and(eq(members.practiceId, events.practiceId), eq(members.id, events.memberId)))
    .where(and(eq(events.practiceId, ctx.practiceId), eq(events.type, "visit.checked_in")))
    .orderBy(desc(events.at))
    .limit(10);
  // Coupons still usable, newest first: unlocked by an instant reward, won by a milestone or a
  // reward, or bought with points. Each says which (the feed labels them by it).
  const recent = await ctx.db
    .select({
      id: issuedCoupons.id,
      coupon: issuedCoupons.coupon,
      rule: issuedCoupons.ruleName,
      issuedAt: issuedCoupons.issuedAt,
      expiresAt: issuedCoupons.expiresAt,
      memberId: issuedCoupons.memberId,
      firstName: members.firstName,
      lastName: members.lastName,
      couponName: sql<string | null>`(select ${rewards.name} from ${rewards} where ${rewards.practiceId} = ${issuedCoupons.practiceId}
        and ${rewards.kind} = 'coupon' and ${rewards.couponCode} = ${issuedCoupons.coupon} order by ${rewards.deletedAt} nulls first limit 1)`,
    })
    .from(issuedCoupons)
    .innerJoin(members, and(eq(members.practiceId, issuedCoupons.practiceId), eq(members.id, issuedCoupons.memberId)))
    .where(
      and(
        eq(issuedCoupons.practiceId, ctx.practiceId),
        eq(issuedCoupons.status, "active"),
        or(isNull(issuedCoupons.expiresAt), gt(issuedCoupons.expiresAt, now)),
        lte(issuedCoupons.issuedAt, now),
      ),
    )
    .orderBy(desc(issuedCoupons.issuedAt))
    .limit(10);
  const kinds = await ruleKinds(ctx);
  const coupons = recent.map((u) => ({
    id: u.id,
    coupon: u.coupon,
    /** The catalog's name for it (the code when the catalog has none). */
    couponName: u.couponName ?? u.coupon,
    rule: u.rule,
    origin: couponOrigin(u.rule, kinds),
    issuedAt: u.issuedAt,
    expiresAt: u.expiresAt,
    memberId: u.memberId,
    name: `${u.firstName} ${u.lastName.slice(0, 1)}.`,
  }));

  const shortfalls = await shortfallTotals(ctx);

  const points = (outcome: Record<string, unknown>) =>
    ((outcome.awards as { points?: number }[] | undefined) ?? []).reduce((s, a) => s + n(a.points), 0);
  return {
    timezone: tz,
    checkInsToday: n(checkIns?.n),
    /** The patients checked in today (the live feed adds newcomers to the count, each once). */
    checkedInToday: checkedInToday.map((c) => c.memberId).filter((id): id is string => id !== null),
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
    /** Coupons issued lately and still usable, each with where it came from. */
    recentCoupons: coupons,
    unlockedInstantRewards: coupons.filter((c) => c.origin === "instant" && c.expiresAt !== null),
  };
}

export type CouponOrigin = "instant" | "milestone" | "reward" | "purchase" | "rule";

/** Where an issued coupon came from: bought with points (no rule), or the kind of rule that gave it. */
export function couponOrigin(rule: string | null, kinds: Map<string, string>): CouponOrigin {
  if (rule === null) return "purchase";
  const kind = kinds.get(rule);
  return kind === "instant" || kind === "milestone" || kind === "reward" ? kind : "rule";
}

/** Rule name -> kind (earn, reward, instant, milestone) in the active rule set. */
async function ruleKinds(ctx: Ctx): Promise<Map<string, string>> {
  const [active] = await ctx.db
    .select({ source: ruleSetVersions.source })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  return new Map((active ? parse(active.source).ast.rules : []).map((r) => [r.name, r.kind]));
}
