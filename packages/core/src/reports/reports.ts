// Reports as queries over the ledger, orders and events: points issued / redeemed / reversed /
// outstanding with the dollar liability, active members, redemptions by reward, top rules and a
// per-day series in the practice's timezone. CSV export of each table.

import { events, ledgerEntries, orders } from "@tally/db";
import { addDays, localDate } from "@tally/rules";
import { and, desc, eq, gte, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { type Input, parseInput } from "../verb.ts";
import { toCsv } from "./csv.ts";

export const reportInput = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((r) => r.from < r.to, { message: "from must be before to" });

const earned = sql`${ledgerEntries.kind} in ('earn', 'reward', 'milestone')`;
const n = (v: unknown) => Number(v ?? 0);
const liability = (points: number, centiCents: number) => Math.round((points * centiCents) / 100);

export async function pointsReport({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const inRange = and(eq(ledgerEntries.practiceId, ctx.practiceId), gte(ledgerEntries.at, from), lt(ledgerEntries.at, to));
  const [totals] = await ctx.db
    .select({
      issued: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${earned}), 0)`,
      redeemed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'redemption'), 0)`,
      refunded: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'refund'), 0)`,
      reversed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'reversal'), 0)`,
      adjusted: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'adjustment'), 0)`,
      expired: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'expiry'), 0)`,
      earners: sql`count(distinct ${ledgerEntries.memberId}) filter (where ${earned})`,
    })
    .from(ledgerEntries)
    .where(inRange);
  // Outstanding = every point still held at the end of the range.
  const [outstanding] = await ctx.db
    .select({ points: sql`coalesce(sum(${ledgerEntries.points}), 0)` })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), lt(ledgerEntries.at, to)));
  const [active] = await ctx.db
    .select({ members: sql`count(distinct ${events.memberId})` })
    .from(events)
    .where(and(eq(events.practiceId, ctx.practiceId), gte(events.at, from), lt(events.at, to)));
  const out = n(outstanding?.points);
  return {
    from,
    to,
    pointCostCentiCents: practice.pointCostCentiCents,
    issued: n(totals?.issued),
    redeemed: n(totals?.redeemed) - n(totals?.refunded),
    reversed: n(totals?.reversed),
    adjusted: n(totals?.adjusted),
    expired: n(totals?.expired),
    outstanding: out,
    liabilityCents: liability(out, practice.pointCostCentiCents),
    redeemedCostCents: liability(n(totals?.redeemed) - n(totals?.refunded), practice.pointCostCentiCents),
    activeMembers: n(active?.members),
    earningMembers: n(totals?.earners),
  };
}

export async function redemptionsByReward({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const rows = await ctx.db
    .select({ reward: orders.rewardName, kind: orders.rewardKind, orders: sql`count(*)`, points: sql`sum(${orders.points})` })
    .from(orders)
    .where(
      and(eq(orders.practiceId, ctx.practiceId), ne(orders.status, "cancelled"), gte(orders.createdAt, from), lt(orders.createdAt, to)),
    )
    .groupBy(orders.rewardName, orders.rewardKind)
    .orderBy(desc(sql`sum(${orders.points})`));
  return rows.map((r) => ({ reward: r.reward, kind: r.kind, orders: n(r.orders), points: n(r.points) }));
}

export async function topRules({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> & { limit?: number } }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const rows = await ctx.db
    .select({
      rule: ledgerEntries.ruleName,
      points: sql`sum(${ledgerEntries.points})`,
      awards: sql`count(*) filter (where ${earned})`,
      members: sql`count(distinct ${ledgerEntries.memberId})`,
    })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.practiceId, ctx.practiceId),
        gte(ledgerEntries.at, from),
        lt(ledgerEntries.at, to),
        sql`${ledgerEntries.kind} in ('earn', 'reward', 'milestone', 'reversal')`,
      ),
    )
    .groupBy(ledgerEntries.ruleName)
    .orderBy(desc(sql`sum(${ledgerEntries.points})`))
    .limit(input.limit ?? 20);
  return rows.map((r) => ({ rule: r.rule ?? "(none)", points: n(r.points), awards: n(r.awards), members: n(r.members) }));
}

/** One row per local calendar day in the range (days without activity included, as zeros). */
export async function dailySeries({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const tz = practice.timezone;
  const day = sql`(${ledgerEntries.at} at time zone ${tz})::date`;
  const rows = await ctx.db
    .select({
      day: sql<string>`${day}::text`,
      issued: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${earned}), 0)`,
      redeemed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'redemption'), 0)`,
      reversed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'reversal'), 0)`,
      members: sql`count(distinct ${ledgerEntries.memberId})`,
    })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), gte(ledgerEntries.at, from), lt(ledgerEntries.at, to)))
    // By position: the timezone is a bound parameter, so the expression would not match itself.
    .groupBy(sql`1`);
  const checkins = await ctx.db
    .select({ day: sql<string>`((${events.at} at time zone ${tz})::date)::text`, n: sql`count(*)` })
    .from(events)
    .where(and(eq(events.practiceId, ctx.practiceId), eq(events.type, "visit.checked_in"), gte(events.at, from), lt(events.at, to)))
    .groupBy(sql`1`);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const visits = new Map(checkins.map((c) => [c.day, n(c.n)]));
  const out = [];
  const last = localDate(to.getTime() - 1, tz);
  for (let d = localDate(from, tz); d <= last; d = addDays(d, 1)) {
    const r = byDay.get(d);
    out.push({
      day: d,
      issued: n(r?.issued),
      redeemed: n(r?.redeemed),
      reversed: n(r?.reversed),
      members: n(r?.members),
      checkIns: visits.get(d) ?? 0,
    });
  }
  return out;
}

export const exportCsvInput = z.object({
  report: z.enum(["daily", "rules", "rewards", "summary"]),
  from: z.coerce.date(),
  to: z.coerce.date(),
});

export async function exportReportCsv({ ctx, input }: { ctx: Ctx; input: Input<typeof exportCsvInput> }) {
  authorize(ctx, "reports.view");
  const q = parseInput(exportCsvInput, input);
  const range = { from: q.from, to: q.to };
  let records: Record<string, unknown>[];
  if (q.report === "daily") records = await dailySeries({ ctx, input: range });
  else if (q.report === "rules") records = await topRules({ ctx, input: { ...range, limit: 1000 } });
  else if (q.report === "rewards") records = await redemptionsByReward({ ctx, input: range });
  else {
    const s = await pointsReport({ ctx, input: range });
    records = [{ ...s, from: s.from.toISOString(), to: s.to.toISOString(), liability: (s.liabilityCents / 100).toFixed(2) }];
  }
  const csv = toCsv(records);
  return {
    filename: `${q.report}-${range.from.toISOString().slice(0, 10)}-${range.to.toISOString().slice(0, 10)}.csv`,
    contentType: "text/csv",
    csv,
  };
}
