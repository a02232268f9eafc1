// The ledger's daily rollups equal a recomputation from the ledger after random activity: paid
// invoices recorded out of time order (late events), voids, check-ins, staff adjustments, a large
// batch (COPY on PostgreSQL), concurrent check-ins on the same day, and the expiry sweep; after a
// change of timezone too. The per-day report read from them equals the same figures read from the
// entries, for a range that starts and ends inside a day; the figures of distinct members (active,
// earning, per rule, check-ins per day) equal a recomputation from the raw rows for random ranges,
// and so do redemptions by reward (orders redeemed and cancelled, redemptions of no order).
import { addDays, localDate } from "@tally/rules";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { DomainError } from "../errors.ts";
import { runExpirySweep } from "../events/expire-due.ts";
import { recordEvent } from "../events/record-event.ts";
import { recordEvents, withRetry } from "../events/record-events.ts";
import type { EventInput } from "../events/schemas.ts";
import { updateSettings } from "../practices/practices.ts";
import { cancelOrder } from "../redemption/orders.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { dailySeries, pointsReport, redemptionsByReward, topRules } from "../reports/reports.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { prng } from "../seed/demo.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { adjustPoints } from "./adjust-points.ts";

const DAY = 86_400_000;
const onPostgres = Boolean(process.env.DATABASE_URL);

describe("daily rollups of the ledger", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const now = new Date();

  /** The rollups as stored, and as recomputed from the ledger in the practice's timezone. */
  async function compare() {
    const stored = await query<{ day: string; kind: string; rule: string; points: string; entries: string }>(
      t.db,
      sql`select day::text as day, kind::text as kind, rule_name as rule, points::text as points, entries::text as entries
          from ledger_daily where practice_id = ${p.id}::uuid and (points <> 0 or entries <> 0) order by 1, 2, 3`,
    );
    const recomputed = await query<{ day: string; kind: string; rule: string; points: string; entries: string }>(
      t.db,
      sql`select ((e.at at time zone pr.timezone)::date)::text as day, e.kind::text as kind, coalesce(e.rule_name, '') as rule,
                 sum(e.points)::text as points, count(*)::text as entries
          from ledger_entries e join practices pr on pr.id = e.practice_id
          where e.practice_id = ${p.id}::uuid group by 1, 2, 3 order by 1, 2, 3`,
    );
    const storedDays = await query<{ day: string; members: string }>(
      t.db,
      sql`select day::text as day, members::text as members from ledger_days where practice_id = ${p.id}::uuid and members <> 0 order by 1`,
    );
    const recomputedDays = await query<{ day: string; members: string }>(
      t.db,
      sql`select ((e.at at time zone pr.timezone)::date)::text as day, count(distinct e.member_id)::text as members
          from ledger_entries e join practices pr on pr.id = e.practice_id
          where e.practice_id = ${p.id}::uuid group by 1 order by 1`,
    );
    const rewardRow = sql`day::text as day, reward_name as reward, reward_kind as kind, orders::text as orders, points::text as points`;
    const storedRewards = await query<Record<string, string>>(
      t.db,
      sql`select ${rewardRow} from reward_daily where practice_id = ${p.id}::uuid and (orders <> 0 or points <> 0) order by 1, 2, 3`,
    );
    const recomputedRewards = await query<Record<string, string>>(
      t.db,
      sql`select ${rewardRow} from (
            select ((e.at at time zone pr.timezone)::date) as day, coalesce(o.reward_name, '') as reward_name,
                   coalesce(o.reward_kind::text, '') as reward_kind,
                   count(*) filter (where e.kind = 'redemption') - count(*) filter (where e.kind = 'refund') as orders, sum(e.points) as points
            from ledger_entries e join practices pr on pr.id = e.practice_id left join orders o on o.id = e.order_id
            where e.practice_id = ${p.id}::uuid and e.kind in ('redemption', 'refund') group by 1, 2, 3) x
          where orders <> 0 or points <> 0 order by 1, 2, 3`,
    );
    expect(storedRewards).toEqual(recomputedRewards);
    return { stored, recomputed, storedDays, recomputedDays };
  }

  /**
   * Figures of distinct members over random ranges (active, earning, members per rule, check-ins
   * per day), as reported and as recomputed from the events and entries of the range.
   */
  async function distinctFiguresAgree(seed: number, tz: string) {
    const rand = prng(seed);
    const HOUR = 3_600_000;
    const ranges: [Date, Date][] = [
      [new Date(now.getTime() - 400 * DAY), new Date(now.getTime() + DAY)],
      [new Date(now.getTime() - 3 * HOUR), new Date(now.getTime() - HOUR)],
    ];
    for (let i = 0; i < 10; i++) {
      const a = now.getTime() - Math.floor(rand() * 220 * DAY) - Math.floor(rand() * 24) * HOUR;
      const b = Math.min(now.getTime() + DAY, a + Math.floor(rand() * 120 * DAY) + Math.floor(rand() * 24) * HOUR + 1);
      ranges.push([new Date(a), new Date(b)]);
    }
    for (const [from, to] of ranges) {
      const label = `${from.toISOString()}..${to.toISOString()}`;
      const range = sql`practice_id = ${p.id}::uuid and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz`;
      const [direct] = await query<{ active: string; earning: string }>(
        t.db,
        sql`select (select count(distinct member_id) from events where ${range})::text as active,
                   (select count(distinct member_id) from ledger_entries where ${range} and kind in ('earn', 'reward', 'milestone'))::text as earning`,
      );
      const report = await pointsReport({ ctx: p.team, input: { from, to } });
      expect(report.activeMembers, label).toBe(Number(direct!.active));
      expect(report.earningMembers, label).toBe(Number(direct!.earning));
      const perRule = await query<{ rule: string; members: string }>(
        t.db,
        sql`select coalesce(rule_name, '') as rule, count(distinct member_id)::text as members from ledger_entries
            where ${range} and kind in ('earn', 'reward', 'milestone', 'reversal') group by 1`,
      );
      const rules = await topRules({ ctx: p.team, input: { from, to } });
      expect(rules.length, label).toBe(perRule.length);
      for (const r of rules)
        expect(r.members, `${label} ${r.rule}`).toBe(Number(perRule.find((x) => x.rule === (r.rule === "(none)" ? "" : r.rule))?.members));
      const checkIns = await query<{ day: string; n: string }>(
        t.db,
        sql`select ((at at time zone ${tz})::date)::text as day, count(distinct member_id)::text as n from events
            where ${range} and type = 'visit.checked_in' group by 1`,
      );
      const series = await dailySeries({ ctx: p.team, input: { from, to } });
      const checkInsOf = new Map(checkIns.map((c) => [c.day, Number(c.n)]));
      for (const d of series) expect(d.checkIns, `${label} ${d.day}`).toBe(checkInsOf.get(d.day) ?? 0);
      expect(report.checkIns, label).toBe([...checkInsOf.values()].reduce((x, y) => x + y, 0));
      const byReward = await query<{ reward: string | null; kind: string | null; orders: string; points: string }>(
        t.db,
        sql`select o.reward_name as reward, o.reward_kind::text as kind,
                   (count(*) filter (where e.kind = 'redemption') - count(*) filter (where e.kind = 'refund'))::text as orders,
                   (-sum(e.points))::text as points
            from ledger_entries e left join orders o on o.id = e.order_id
            where e.practice_id = ${p.id}::uuid and e.at >= ${from.toISOString()}::timestamptz and e.at < ${to.toISOString()}::timestamptz
              and e.kind in ('redemption', 'refund')
            group by 1, 2`,
      );
      const rewards = await redemptionsByReward({ ctx: p.team, input: { from, to } });
      const want = byReward
        .map((r) => ({
          reward: r.reward ?? "Points redeemed without an order",
          kind: r.kind,
          orders: Number(r.orders),
          points: Number(r.points),
        }))
        .filter((r) => r.points !== 0 || r.orders !== 0);
      const key = (r: { reward: string; kind: string | null }) => `${r.reward}/${r.kind}`;
      expect(
        [...rewards].sort((x, y) => key(x).localeCompare(key(y))),
        label,
      ).toEqual(want.sort((x, y) => key(x).localeCompare(key(y))));
    }
    // The activity days themselves: each previous day is the member's last one before it, and the
    // per-day counts are their sums.
    const [chain] = await query<{ wrong: string; days: string; counts: string }>(
      t.db,
      sql`select (select count(*) from (select prev, coalesce(lag(day) over (partition by scope, member_id order by day), '-infinity'::date) as want
                                        from activity_days where practice_id = ${p.id}::uuid) x where prev <> want)::text as wrong,
                 (select count(*) from activity_days where practice_id = ${p.id}::uuid)::text as days,
                 (select coalesce(sum(days), 0) + coalesce(sum(prevs), 0) from activity_counts where practice_id = ${p.id}::uuid)::text as counts`,
    );
    expect(chain!.wrong).toBe("0");
    expect(Number(chain!.counts)).toBe(2 * Number(chain!.days));
    // Over the whole history the figures are not trivial.
    const all = await pointsReport({ ctx: p.team, input: { from: ranges[0]![0], to: ranges[0]![1] } });
    expect(all.activeMembers).toBeGreaterThan(5);
    expect(all.earningMembers).toBeGreaterThan(5);
    // Redemptions of both rewards and of no order, less the cancelled orders' refunds.
    const rewards = await redemptionsByReward({ ctx: p.team, input: { from: ranges[0]![0], to: ranges[0]![1] } });
    expect(rewards.map((r) => r.reward).sort()).toEqual(["Mug", "Points redeemed without an order", "Tote"]);
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago" });
    await saveRuleSet({
      ctx: p.admin,
      input: {
        source: [
          "expire points 1 months after earning",
          'earn "Spend" on invoice.paid { rate 1 point per $1 }',
          'reward "Visit" on visit.checked_in { award 10 points limit once per day }',
        ].join("\n"),
        publish: true,
      },
    });
  });
  afterAll(() => t?.dispose());

  it("equal a recomputation from the ledger after random activity, voids, late events and expiries", async () => {
    const people = await makeMembers(
      t,
      p.id,
      Array.from({ length: 12 }, (_, i) => ({ firstName: `M${i}`, lastName: "Roll" })),
    );
    const rand = prng(20261206);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
    // Any moment of the last 120 days: events arrive in random order, so most are late.
    const someTime = () => new Date(now.getTime() - Math.floor(rand() * 120 * DAY)).toISOString();
    const paid: { id: string; member: string; at: string }[] = [];
    let n = 0;
    for (let i = 0; i < 160; i++) {
      const member = pick(people).id;
      const r = rand();
      if (r < 0.45) {
        const invoice = { id: `inv${++n}`, member, at: someTime() };
        paid.push(invoice);
        const lines = [{ code: "X", amount: `${10 + Math.floor(rand() * 300)}.00` }];
        await recordEvent({
          ctx: p.system,
          input: { id: `e${n}`, type: "invoice.paid", at: invoice.at, member, invoice: { id: invoice.id, lines } },
        });
      } else if (r < 0.6 && paid.length > 0) {
        const invoice = pick(paid);
        const at = new Date(Math.max(Date.parse(invoice.at) + 3_600_000, now.getTime() - Math.floor(rand() * 30 * DAY))).toISOString();
        await recordEvent({
          ctx: p.system,
          input: { id: `v${++n}`, type: "invoice.voided", at, member: invoice.member, invoice: { id: invoice.id } },
        });
      } else if (r < 0.9) {
        await recordEvent({ ctx: p.system, input: { id: `c${++n}`, type: "visit.checked_in", at: someTime(), member } });
      } else {
        const points = rand() < 0.7 ? 5 + Math.floor(rand() * 200) : -(1 + Math.floor(rand() * 20));
        // A deduction larger than the balance is refused (and writes nothing).
        await adjustPoints({ ctx: p.team, input: { memberId: member, points, note: "random", at: new Date(someTime()) } }).catch((e) => {
          if (!(e instanceof DomainError && e.code === "INSUFFICIENT_POINTS")) throw e;
        });
      }
    }

    // Redemptions: orders of two rewards (now), some cancelled (a refund entry each), and
    // redemptions of no order at random moments.
    const mug = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 20 } });
    const tote = await createReward({ ctx: p.admin, input: { kind: "coupon", name: "Tote", pointsPrice: 35, couponCode: "TOTE" } });
    const placed: string[] = [];
    for (let i = 0; i < 14; i++) {
      const order = await redeemReward({
        ctx: p.team,
        input: { memberId: pick(people).id, rewardId: (i % 3 === 0 ? tote : mug).id },
      }).catch((e) => {
        if (e instanceof DomainError) return null;
        throw e;
      });
      if (order) placed.push(order.orderId);
    }
    expect(placed.length).toBeGreaterThan(4);
    for (const orderId of placed.filter((_, i) => i % 3 === 1))
      await cancelOrder({ ctx: p.admin, input: { orderId, reason: "changed mind" } });
    for (let i = 0; i < 12; i++)
      await recordEvent({
        ctx: p.system,
        input: {
          id: `r${i}`,
          type: "points.redeemed",
          at: someTime(),
          member: pick(people).id,
          redemption: { points: 1 + Math.floor(rand() * 5) },
        },
      });

    // A large batch in one transaction (COPY on PostgreSQL, statements of 2,000 on PGlite).
    const batch: EventInput[] = Array.from({ length: 2100 }, (_, i) => ({
      id: `b${i}`,
      type: "visit.checked_in",
      at: new Date(now.getTime() - 200 * DAY + i * 3_600_000).toISOString(),
      member: people[i % people.length]!.id,
    }));
    await t.db.transaction((tx) =>
      recordEvents(tx, p.system, batch, { source: "test", ...(onPostgres ? { strategy: "copy" as const } : {}) }),
    );

    // Check-ins on the same day from several requests at once: they queue on the day's rows.
    const today = now.getTime() - 3_600_000;
    await Promise.all(
      people.map((m, i) =>
        withRetry(() =>
          recordEvent({
            ctx: p.system,
            input: { id: `k${i}`, type: "visit.checked_in", at: new Date(today - i * 1000).toISOString(), member: m.id },
          }),
        ),
      ),
    );

    await runExpirySweep(t.db, now);
    const { stored, recomputed, storedDays, recomputedDays } = await compare();
    const kinds = new Set(recomputed.map((r) => r.kind));
    for (const kind of ["earn", "reward", "reversal", "adjustment", "expiry"]) expect(kinds, kind).toContain(kind);
    expect(recomputed.length).toBeGreaterThan(100);
    expect(stored).toEqual(recomputed);
    expect(storedDays).toEqual(recomputedDays);
    // Every member checked in today: the day counts each once.
    expect(Number(storedDays.find((d) => d.day === localDate(today, "America/Chicago"))?.members)).toBe(people.length);

    // The report over a range that starts and ends inside a day (whole days from the rollups,
    // the edges from the entries) equals the figures read from the entries alone.
    const from = new Date(now.getTime() - 95 * DAY - 5 * 3_600_000);
    const to = new Date(now.getTime() - 2 * DAY + 7 * 3_600_000);
    const series = await dailySeries({ ctx: p.team, input: { from, to } });
    const direct = await query<{ day: string; points: string; members: string }>(
      t.db,
      sql`select ((at at time zone 'America/Chicago')::date)::text as day,
                 sum(points) filter (where kind in ('earn', 'reward', 'milestone'))::text as points, count(distinct member_id)::text as members
          from ledger_entries where practice_id = ${p.id}::uuid and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz
          group by 1`,
    );
    const byDay = new Map(direct.map((d) => [d.day, d]));
    expect(series[0]!.day).toBe(localDate(from, "America/Chicago"));
    expect(series.at(-1)!.day).toBe(localDate(to, "America/Chicago"));
    for (const d of series) {
      expect(d.issued, d.day).toBe(Number(byDay.get(d.day)?.points ?? 0));
      expect(d.members, d.day).toBe(Number(byDay.get(d.day)?.members ?? 0));
    }
    expect(series.reduce((s, d) => s + d.issued, 0)).toBeGreaterThan(0);
    expect(addDays(series[0]!.day, series.length - 1)).toBe(series.at(-1)!.day);

    await distinctFiguresAgree(7, "America/Chicago");
  });

  it("follow a change of timezone (entries move to other local days)", async () => {
    await updateSettings({ ctx: p.admin, input: { timezone: "Asia/Tokyo" } });
    const { stored, recomputed, storedDays, recomputedDays } = await compare();
    expect(stored).toEqual(recomputed);
    expect(storedDays).toEqual(recomputedDays);
    await distinctFiguresAgree(8, "Asia/Tokyo");
    await updateSettings({ ctx: p.admin, input: { timezone: "America/Chicago" } });
    await distinctFiguresAgree(9, "America/Chicago");
  });
});
