// Reports as queries over the ledger, orders and events: points issued / redeemed / reversed /
// outstanding with the dollar liability, active members, redemptions by reward, top rules, a
// per-day series in the practice's timezone (points expired among them) and members per tier.
// CSV export of each table. Every figure has one definition here (the dashboard's figures use them too).
//
// Per-day figures and the per-rule points read the ledger's daily rollups (`ledger/rollup.ts`),
// and redemptions by reward `reward_daily` (kept by a trigger on the ledger), for the range's
// whole local days, and the entries themselves only for a partial day at either end: a year
// costs 365 rollup rows, not a year of entries. Figures of distinct members over the
// range (active, earning, members per rule) and check-ins per day read the activity days
// (`distinct.ts`): per-day sums and an index range after the range's end, not the range's rows.

import { events, ledgerDaily, ledgerDays, ledgerEntries, memberBalances, orders, rewardDaily } from "@tally/db";
import { addDays, localDate, localDaysSpan, type MemberState, startOfLocalDay, tierStatus } from "@tally/rules";
import { and, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { withTierWindow } from "../events/member-states.ts";
import { loadSetup } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { query } from "../sql.ts";
import { type Input, parseInput } from "../verb.ts";
import { toCsv } from "./csv.ts";
import { distinctMembers, inEdgesOf, membersPerDay } from "./distinct.ts";

export const reportInput = z
  .object({ from: z.coerce.date(), to: z.coerce.date() })
  .refine((r) => r.from < r.to, { message: "from must be before to" });

// One definition per figure: each is an aggregate over the ledger entries (or check-in events)
// of a set of days, used for the per-day table and summed for the range, so the summary always
// equals the sum of its table.

/** Points the rules gave (earn, reward, milestone entries): "issued". */
export const issuedEntry = sql`${ledgerEntries.kind} in ('earn', 'reward', 'milestone')`;
const figures = {
  issued: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${issuedEntry}), 0)`,
  /** Points spent on rewards, less the points refunded for cancelled orders. */
  redeemed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} in ('redemption', 'refund')), 0)`,
  /** Points taken back by voided or corrected invoices. */
  reversed: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'reversal'), 0)`,
  /** Staff adjustments, signed. */
  adjusted: sql`coalesce(sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'adjustment'), 0)`,
  expired: sql`coalesce(-sum(${ledgerEntries.points}) filter (where ${ledgerEntries.kind} = 'expiry'), 0)`,
};
/** A patient checking in twice in a day is one check-in that day. */
export const checkInsCounted = sql`count(distinct ${events.memberId})`;

const n = (v: unknown) => Number(v ?? 0);
const liability = (points: number, centiCents: number) => Math.round((points * centiCents) / 100);

export type DayFigures = {
  day: string;
  issued: number;
  redeemed: number;
  reversed: number;
  adjusted: number;
  expired: number;
  /** Members with any points movement that day. */
  members: number;
  /** Patients checked in that day (each once). */
  checkIns: number;
};

/** Check-ins per local day in [from, to): distinct patients per day (whole days from `activity_counts`). */
export async function checkInsPerDay(ctx: Ctx, from: Date, to: Date, tz: string): Promise<Map<string, number>> {
  return membersPerDay(
    ctx,
    "checkin",
    from,
    to,
    tz,
    (edges) =>
      sql`select ((${events.at} at time zone ${tz})::date)::text as day, ${checkInsCounted} as n from ${events}
          where ${events.practiceId} = ${ctx.practiceId} and ${events.type} = 'visit.checked_in' and (${inEdgesOf(events.at, edges)})
          group by 1`,
  );
}

/**
 * [from, to) as its whole local days [firstDay, endDay) (read from the rollups) and the parts of
 * days at either end (read from the ledger).
 */
export function splitRange(from: Date, to: Date, tz: string): { firstDay: string; endDay: string; edges: [Date, Date][] } {
  const startDay = localDate(from, tz);
  const firstDay = startOfLocalDay(startDay, tz).getTime() < from.getTime() ? addDays(startDay, 1) : startDay;
  const endDay = localDate(to, tz);
  const firstStart = startOfLocalDay(firstDay, tz);
  const endStart = startOfLocalDay(endDay, tz);
  if (firstDay >= endDay || firstStart.getTime() >= to.getTime()) return { firstDay, endDay: firstDay, edges: [[from, to]] };
  const edges: [Date, Date][] = [];
  if (from.getTime() < firstStart.getTime()) edges.push([from, firstStart]);
  if (endStart.getTime() < to.getTime()) edges.push([endStart, to]);
  return { firstDay, endDay, edges };
}

/**
 * [from, to) widened to whole local days where that reads the same rows: a partial day at either
 * end becomes whole when the rest of that day holds no event and no ledger entry (a range ending
 * now, or one that starts before its first day's activity). Whole days are read from the rollups;
 * partial ones from the raw rows, whose cost grows with a day's activity.
 */
export async function settleRange(ctx: Ctx, from: Date, to: Date, tz: string): Promise<{ from: Date; to: Date }> {
  const dayStart = startOfLocalDay(localDate(from, tz), tz);
  const toDay = localDate(to, tz);
  const dayEnd = startOfLocalDay(toDay, tz).getTime() === to.getTime() ? to : startOfLocalDay(addDays(toDay, 1), tz);
  const before = dayStart.getTime() < from.getTime();
  const after = dayEnd.getTime() > to.getTime();
  if (!before && !after) return { from, to };
  const held = (a: Date, b: Date) =>
    sql`(exists (select 1 from ${events} where ${and(eq(events.practiceId, ctx.practiceId), gte(events.at, a), lt(events.at, b))})
         or exists (select 1 from ${ledgerEntries} where ${and(eq(ledgerEntries.practiceId, ctx.practiceId), gte(ledgerEntries.at, a), lt(ledgerEntries.at, b))}))`;
  // A part not asked about counts as held: that end stays as it is.
  const [rest] = await query<{ held_before: boolean; held_after: boolean }>(
    ctx.db,
    sql`select ${before ? held(dayStart, from) : sql`true`} as held_before, ${after ? held(to, dayEnd) : sql`true`} as held_after`,
  );
  return { from: rest!.held_before ? from : dayStart, to: rest!.held_after ? to : dayEnd };
}

/** Ledger entries in the edges of a range (`splitRange`). */
const inEdges = (edges: [Date, Date][]): SQL | undefined =>
  or(...edges.map(([a, b]) => and(gte(ledgerEntries.at, a), lt(ledgerEntries.at, b))));

/** The same figures from the rollups (`ledger_daily`: one row per day, kind and rule). */
const rolled = {
  issued: sql`coalesce(sum(${ledgerDaily.points}) filter (where ${ledgerDaily.kind} in ('earn', 'reward', 'milestone')), 0)`,
  redeemed: sql`coalesce(-sum(${ledgerDaily.points}) filter (where ${ledgerDaily.kind} in ('redemption', 'refund')), 0)`,
  reversed: sql`coalesce(-sum(${ledgerDaily.points}) filter (where ${ledgerDaily.kind} = 'reversal'), 0)`,
  adjusted: sql`coalesce(sum(${ledgerDaily.points}) filter (where ${ledgerDaily.kind} = 'adjustment'), 0)`,
  expired: sql`coalesce(-sum(${ledgerDaily.points}) filter (where ${ledgerDaily.kind} = 'expiry'), 0)`,
};

async function daysOf(ctx: Ctx, from: Date, to: Date, tz: string): Promise<DayFigures[]> {
  const { firstDay, endDay, edges } = splitRange(from, to, tz);
  const whole = firstDay < endDay;
  const [rollup, people, edgeRows, visits] = await Promise.all([
    whole
      ? ctx.db
          .select({ day: sql<string>`${ledgerDaily.day}::text`, ...rolled })
          .from(ledgerDaily)
          .where(and(eq(ledgerDaily.practiceId, ctx.practiceId), gte(ledgerDaily.day, firstDay), lt(ledgerDaily.day, endDay)))
          .groupBy(ledgerDaily.day)
      : [],
    whole
      ? ctx.db
          .select({ day: sql<string>`${ledgerDays.day}::text`, members: ledgerDays.members })
          .from(ledgerDays)
          .where(and(eq(ledgerDays.practiceId, ctx.practiceId), gte(ledgerDays.day, firstDay), lt(ledgerDays.day, endDay)))
      : [],
    edges.length > 0
      ? ctx.db
          .select({
            day: sql<string>`((${ledgerEntries.at} at time zone ${tz})::date)::text`,
            ...figures,
            members: sql`count(distinct ${ledgerEntries.memberId})`,
          })
          .from(ledgerEntries)
          .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), inEdges(edges)))
          // By position: the timezone is a bound parameter, so the expression would not match itself.
          .groupBy(sql`1`)
      : [],
    checkInsPerDay(ctx, from, to, tz),
  ]);
  const membersOf = new Map(people.map((r) => [r.day, r.members]));
  const byDay = new Map<string, Record<string, unknown>>([
    ...rollup.map((r) => [r.day, { ...r, members: membersOf.get(r.day) ?? 0 }] as const),
    ...edgeRows.map((r) => [r.day, r] as const),
  ]);
  const out: DayFigures[] = [];
  const last = localDate(to.getTime() - 1, tz);
  for (let d = localDate(from, tz); d <= last; d = addDays(d, 1)) {
    const r = byDay.get(d);
    out.push({
      day: d,
      issued: n(r?.issued),
      redeemed: n(r?.redeemed),
      reversed: n(r?.reversed),
      adjusted: n(r?.adjusted),
      expired: n(r?.expired),
      members: n(r?.members),
      checkIns: visits.get(d) ?? 0,
    });
  }
  return out;
}

const sum = (days: DayFigures[], key: Exclude<keyof DayFigures, "day" | "members">) => days.reduce((s, d) => s + d[key], 0);

export async function pointsReport({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const read = await settleRange(ctx, from, to, practice.timezone);
  const days = await daysOf(ctx, read.from, read.to, practice.timezone);
  const distinct = await distinctMembers(ctx, ["event", "earn"], read.from, read.to, practice.timezone, (edges) =>
    sql.join(
      [
        sql`select 'event' as scope, ${events.memberId} as member_id from ${events}
            where ${events.practiceId} = ${ctx.practiceId} and ${events.memberId} is not null and (${inEdgesOf(events.at, edges)})`,
        sql`select 'earn' as scope, ${ledgerEntries.memberId} as member_id from ${ledgerEntries}
            where ${ledgerEntries.practiceId} = ${ctx.practiceId} and ${issuedEntry} and (${inEdgesOf(ledgerEntries.at, edges)})`,
      ],
      sql` union all `,
    ),
  );
  // Outstanding = every point still held at the end of the range: the sum of the ledger before
  // `to`, read as the cached balances (which move by exactly what the ledger gets, in the same
  // transaction) less the entries from `to` on, so it costs the members' rows and the recent
  // entries, not the practice's whole history. One statement, one snapshot.
  const [outstanding] = await query<{ points: string | number }>(
    ctx.db,
    sql`select (select coalesce(sum(${memberBalances.balance}), 0) from ${memberBalances} where ${memberBalances.practiceId} = ${ctx.practiceId})
             - (select coalesce(sum(${ledgerEntries.points}), 0) from ${ledgerEntries}
                where ${ledgerEntries.practiceId} = ${ctx.practiceId} and ${ledgerEntries.at} >= ${read.to.toISOString()}::timestamptz) as points`,
  );
  const out = n(outstanding?.points);
  const redeemed = sum(days, "redeemed");
  return {
    from,
    to,
    pointCostCentiCents: practice.pointCostCentiCents,
    issued: sum(days, "issued"),
    redeemed,
    reversed: sum(days, "reversed"),
    adjusted: sum(days, "adjusted"),
    expired: sum(days, "expired"),
    /** Patient check-ins: each patient once per day. */
    checkIns: sum(days, "checkIns"),
    outstanding: out,
    liabilityCents: liability(out, practice.pointCostCentiCents),
    redeemedCostCents: liability(redeemed, practice.pointCostCentiCents),
    /** Distinct members with any event in the range (not a sum of days). */
    activeMembers: distinct.get("event") ?? 0,
    /** Distinct members who earned points in the range. */
    earningMembers: distinct.get("earn") ?? 0,
  };
}

/**
 * Points redeemed per reward (less refunds), from the same ledger entries as "Points redeemed":
 * the range's whole local days from `reward_daily`, the entries of a partial day at either end.
 */
export async function redemptionsByReward({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const read = await settleRange(ctx, from, to, practice.timezone);
  const { firstDay, endDay, edges } = splitRange(read.from, read.to, practice.timezone);
  const parts: SQL[] = [];
  if (firstDay < endDay)
    parts.push(sql`select ${rewardDaily.rewardName} as reward, ${rewardDaily.rewardKind} as kind, ${rewardDaily.orders} as orders,
                          ${rewardDaily.points} as points
                   from ${rewardDaily}
                   where ${rewardDaily.practiceId} = ${ctx.practiceId} and ${rewardDaily.day} >= ${firstDay}::date
                     and ${rewardDaily.day} < ${endDay}::date`);
  if (edges.length > 0)
    parts.push(sql`select coalesce(${orders.rewardName}, '') as reward, coalesce(${orders.rewardKind}::text, '') as kind,
                          case when ${ledgerEntries.kind} = 'redemption' then 1 else -1 end as orders, ${ledgerEntries.points} as points
                   from ${ledgerEntries} left join ${orders} on ${orders.id} = ${ledgerEntries.orderId}
                   where ${ledgerEntries.practiceId} = ${ctx.practiceId} and ${ledgerEntries.kind} in ('redemption', 'refund')
                     and (${inEdges(edges)})`);
  // An order's reward has a name; '' stands for redemption entries of no order.
  const rows = await query<{ reward: string; kind: string; orders: string; points: string }>(
    ctx.db,
    sql`select reward, kind, sum(orders) as orders, -sum(points) as points from (${sql.join(parts, sql` union all `)}) x
        group by reward, kind order by -sum(points) desc, reward, kind`,
  );
  return rows
    .map((r) => ({
      reward: r.reward === "" ? "Points redeemed without an order" : r.reward,
      kind: r.kind === "" ? null : (r.kind as (typeof orders.$inferSelect)["rewardKind"]),
      orders: n(r.orders),
      points: n(r.points),
    }))
    .filter((r) => r.points !== 0 || r.orders !== 0);
}

export async function topRules({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> & { limit?: number } }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const read = await settleRange(ctx, from, to, practice.timezone);
  const { firstDay, endDay, edges } = splitRange(read.from, read.to, practice.timezone);
  const ruleKinds = sql`in ('earn', 'reward', 'milestone', 'reversal')`;
  // Points and awards: the rollups' whole days plus the entries of the edges.
  const parts: SQL[] = [];
  if (firstDay < endDay)
    parts.push(sql`select ${ledgerDaily.ruleName} as rule, ${ledgerDaily.points} as points,
                          case when ${ledgerDaily.kind} in ('earn', 'reward', 'milestone') then ${ledgerDaily.entries} else 0 end as awards
                   from ${ledgerDaily}
                   where ${ledgerDaily.practiceId} = ${ctx.practiceId} and ${ledgerDaily.day} >= ${firstDay}::date
                     and ${ledgerDaily.day} < ${endDay}::date and ${ledgerDaily.kind} ${ruleKinds}`);
  if (edges.length > 0)
    parts.push(sql`select coalesce(${ledgerEntries.ruleName}, '') as rule, ${ledgerEntries.points} as points,
                          case when ${issuedEntry} then 1 else 0 end as awards
                   from ${ledgerEntries}
                   where ${ledgerEntries.practiceId} = ${ctx.practiceId} and (${inEdges(edges)}) and ${ledgerEntries.kind} ${ruleKinds}`);
  const rows = await query<{ rule: string; points: string; awards: string }>(
    ctx.db,
    sql`select rule, sum(points) as points, sum(awards) as awards from (${sql.join(parts, sql` union all `)}) x
        group by rule order by sum(points) desc, rule limit ${input.limit ?? 20}`,
  );
  // Distinct members per rule over the range (not a sum of days): the activity days of these rules only.
  const names = rows.map((r) => r.rule);
  const members = await distinctMembers(
    ctx,
    names.map((r) => `rule:${r}`),
    read.from,
    read.to,
    practice.timezone,
    (edges) =>
      sql`select 'rule:' || coalesce(${ledgerEntries.ruleName}, '') as scope, ${ledgerEntries.memberId} as member_id from ${ledgerEntries}
          where ${ledgerEntries.practiceId} = ${ctx.practiceId} and ${ledgerEntries.kind} ${ruleKinds} and (${inEdgesOf(ledgerEntries.at, edges)})`,
  );
  return rows.map((r) => ({
    rule: r.rule === "" ? "(none)" : r.rule,
    points: n(r.points),
    awards: n(r.awards),
    members: members.get(`rule:${r.rule}`) ?? 0,
  }));
}

/** One row per local calendar day in the range (days without activity included, as zeros). */
export async function dailySeries({ ctx, input }: { ctx: Ctx; input: Input<typeof reportInput> }) {
  authorize(ctx, "reports.view");
  const { from, to } = parseInput(reportInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const read = await settleRange(ctx, from, to, practice.timezone);
  return daysOf(ctx, read.from, read.to, practice.timezone);
}

/**
 * The dashboard's series: one row per local day for the last `days` days, today included, as
 * whole days (today's row holds what is recorded so far). Whole days are read from the rollups,
 * so the cost does not grow with a day's activity.
 */
export async function recentSeries({ ctx, days, now = new Date() }: { ctx: Ctx; days: number; now?: Date }) {
  authorize(ctx, "reports.view");
  const { timezone } = await loadPractice(ctx.db, ctx.practiceId);
  const today = localDate(now, timezone);
  const { start, end } = localDaysSpan(addDays(today, 1 - days), today, timezone);
  return daysOf(ctx, start, end, timezone);
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

/**
 * Members per tier as of `now` (SPEC 7: the tier as of now, so a lapsed window counts the lower
 * tier); every tier of the active rule set is listed, lowest first. Null without tiers.
 */
export async function membersPerTier({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }) {
  authorize(ctx, "reports.view");
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  if (program.tiers === null) return null;
  const counts = new Map(program.tiers.tiers.map((t) => [t.name, 0]));
  const rows = await query<{ member_id: string; state: unknown }>(
    ctx.db,
    sql`select m.id as member_id, s.state from members m left join member_engine_states s on s.practice_id = m.practice_id and s.member_id = m.id
        where m.practice_id = ${ctx.practiceId}::uuid and m.status = 'member'`,
  );
  const states = new Map<string, MemberState>();
  for (const r of rows)
    if (r.state !== null) states.set(r.member_id, (typeof r.state === "string" ? JSON.parse(r.state) : r.state) as MemberState);
  await withTierWindow(ctx.db, ctx.practiceId, program, states, now.getTime());
  // A member with no event yet (or a state saved before tiers) holds the lowest tier.
  const lowest = program.tiers.tiers[0]!.name;
  let members = 0;
  for (const r of rows) {
    const state = states.get(r.member_id) ?? null;
    const known = state !== null && typeof state === "object" && "invoices" in state;
    const tier = known ? (tierStatus(program, state, now.getTime())?.tier ?? lowest) : lowest;
    counts.set(tier, (counts.get(tier) ?? 0) + 1);
    members++;
  }
  return {
    by: program.tiers.by,
    months: program.tiers.months,
    members,
    tiers: [...counts].map(([tier, count]) => ({ tier, members: count })),
  };
}
