// The backtest replays what was recorded (history before the range included, in the order it was
// recorded), so the active version's backtest over a past period is what the ledger holds for it.
import { issuedCoupons, ledgerEntries } from "@tally/db";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { cancelOrder } from "../redemption/orders.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { BACKTEST_TOP_MEMBERS, backtestPaging, runBacktest } from "./backtest.ts";

const RULES = `earn "Spend" on invoice.paid { rate 1 point per $10 }
earn "Lifetime" on invoice.paid { rate 1 point per $100 mode total_spend }
reward "First visit" on invoice.paid when member.paid_invoices = 1 { award 500 points }
reward "Visit" on visit.checked_in { award 20 points limit once per day }
reward "Big spender" on invoice.paid when member.lifetime_spend >= $500 { award 100 points limit once per member }
instant "Big visit" {
  window 4 hours
  when visit.spend >= $300
  unlock coupon "free-whitening" for 48 hours
}
milestone "Surveys" unlimited {
  every 3 perfect surveys award 50 points and coupon "ten-off"
}
`;

const DAY = 86_400_000;

describe("backtest", () => {
  let t: TestDatabase;
  let p: TestPractice;
  // The range: from midnight UTC 20 days ago up to tomorrow (redemptions are dated when they
  // happen). A whole day as the start keeps events given an hour on the same local day whatever
  // the time the test runs.
  const now = Date.now();
  const from = new Date(Math.floor((now - 20 * DAY) / DAY) * DAY);
  const to = new Date(now + DAY);
  const at = (daysFromStart: number, hour = 15) => new Date(from.getTime() + daysFromStart * DAY + hour * 3_600_000).toISOString();
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { pointCostCentiCents: 100 });
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "Free whitening", pointsPrice: 800, couponCode: "free-whitening", valueCents: 4500 },
    });
    await createReward({ ctx: p.admin, input: { kind: "coupon", name: "$10 off", pointsPrice: 400, couponCode: "ten-off" } });
    const mug = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 200 } });
    await saveRuleSet({ ctx: p.admin, input: { source: RULES, publish: true } });
    const [ana, ben, cy] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Bell" },
      { firstName: "Ben", lastName: "Cole" },
      { firstName: "Cy", lastName: "Dunn" },
    ]);
    ids = { ana: ana!.id, ben: ben!.id, cy: cy!.id, mug: mug.id };
    let n = 0;
    const ev = (type: string, when: string, member: string, extra: object = {}) =>
      recordEvent({ ctx: p.system, input: { id: `e${++n}`, type: type as never, at: when, member, ...extra } });
    const paid = (when: string, member: string, invoice: string, dollars: number) =>
      ev("invoice.paid", when, member, { invoice: { id: invoice, lines: [{ code: "X", amount: `${dollars}.00` }] } });
    const perfect = { survey: { answers: [true, true, true] } };

    // History before the range: Ana's first visit and a big total, two of three perfect surveys.
    await paid(at(-40), ids.ana!, "a1", 450);
    await ev("survey.submitted", at(-30), ids.ana!, perfect);
    await ev("survey.submitted", at(-29), ids.ana!, perfect);
    await ev("visit.checked_in", at(-10, 9), ids.cy!);
    // In the range: Ana's second invoice (not her first visit: that was in history), crossing $500.
    await ev("visit.checked_in", at(1, 14), ids.ana!, { visit: { method: "card" } });
    await paid(at(1), ids.ana!, "a2", 320);
    await ev("survey.submitted", at(2), ids.ana!, perfect); // the third: milestone in the range
    // Ben: an invoice in the range, then one dated before the range recorded late (not his first).
    await paid(at(3), ids.ben!, "b1", 120);
    await paid(at(-5), ids.ben!, "b0", 60);
    // A late event inside the range: Cy's check-in dated before his invoice's window, recorded after it.
    await paid(at(5, 12), ids.cy!, "c1", 350);
    await ev("visit.checked_in", at(5, 11), ids.cy!, { visit: { method: "staff" } });
    await ev("visit.checked_in", at(5, 11.5), ids.cy!, { visit: { method: "staff" } }); // same day: limit
    // A void in the range of an invoice paid in history, and of one paid in the range.
    await ev("invoice.voided", at(6), ids.ana!, { invoice: { id: "a1" } });
    await ev("invoice.voided", at(7), ids.ben!, { invoice: { id: "b1" } });
    // Points moved by staff and by redemptions (dated now), one order cancelled (refunded outside the engine).
    await adjustPoints({ ctx: p.team, input: { memberId: ids.ana!, points: 15, note: "goodwill", at: new Date(at(8)) } });
    await redeemReward({ ctx: p.team, input: { memberId: ids.ana!, rewardId: ids.mug! } });
    const order = await redeemReward({ ctx: p.team, input: { memberId: ids.cy!, rewardId: ids.mug! } });
    await cancelOrder({ ctx: p.team, input: { orderId: order.orderId, reason: "out of stock" } });
    await paid(at(19, 1), ids.cy!, "c2", 90);
    // After the range: not counted.
    await paid(new Date(to.getTime() + DAY).toISOString(), ids.ben!, "b2", 500);
  });
  afterAll(() => t?.dispose());

  async function ledgerFor(range: { from: Date; to: Date }) {
    const inRange = (
      col: typeof ledgerEntries.at | typeof issuedCoupons.issuedAt,
      practice: typeof ledgerEntries.practiceId | typeof issuedCoupons.practiceId,
    ) => and(eq(practice, p.id), gte(col, range.from), lt(col, range.to));
    const rules = await t.db
      .select({
        rule: ledgerEntries.ruleName,
        points: sql<number>`sum(${ledgerEntries.points})::int`,
        awards: sql<number>`(count(*) filter (where ${ledgerEntries.kind} <> 'reversal'))::int`,
      })
      .from(ledgerEntries)
      .where(
        and(inRange(ledgerEntries.at, ledgerEntries.practiceId), sql`${ledgerEntries.kind} in ('earn', 'reward', 'milestone', 'reversal')`),
      )
      .groupBy(ledgerEntries.ruleName);
    const coupons = await t.db
      .select({ rule: issuedCoupons.ruleName, n: sql<number>`count(*)::int` })
      .from(issuedCoupons)
      .where(and(inRange(issuedCoupons.issuedAt, issuedCoupons.practiceId), sql`${issuedCoupons.ruleName} is not null`))
      .groupBy(issuedCoupons.ruleName);
    return {
      rules: Object.fromEntries(
        rules.filter((r) => r.points !== 0 || r.awards !== 0).map((r) => [r.rule!, { points: r.points, awards: r.awards }]),
      ),
      coupons: Object.fromEntries(coupons.map((c) => [c.rule!, c.n])),
    };
  }

  it("the active version's backtest over a past period is what the ledger recorded for it", async () => {
    const ledger = await ledgerFor({ from, to });
    const bt = await runBacktest({ ctx: p.admin, input: { source: RULES, from, to } });
    const byRule = Object.fromEntries(
      bt.active.byRule.filter((r) => r.points !== 0 || r.awards !== 0).map((r) => [r.rule, { points: r.points, awards: r.awards }]),
    );
    expect(byRule).toEqual(ledger.rules);
    expect(Object.fromEntries(bt.active.byRule.filter((r) => r.coupons > 0).map((r) => [r.rule, r.coupons]))).toEqual(ledger.coupons);
    // The same text as the active version: the draft is the active version.
    expect(bt.draft.byRule).toEqual(bt.active.byRule);
    expect(bt.draft.byMember).toEqual(bt.active.byMember);
    expect(bt.difference.costCents).toBe(0);

    // History counts toward the facts, not the figures: Ana's first visit was before the range
    // (its void is in it), Ben's invoice dated before the range was recorded after his first one.
    expect(ledger.rules["First visit"]).toEqual({ points: 500 + 500 - 500 - 500, awards: 2 });
    // Cy's check-in recorded after his invoice opened its window too late for the coupon.
    expect(ledger.coupons).toEqual({ "Big visit": 1, Surveys: 1 });
    expect(ledger.rules.Surveys).toEqual({ points: 50, awards: 1 });
    expect(bt.replayed).toMatchObject({ history: 5, later: 0 });
    expect(bt.events).toBe(13);
  });

  it("holds for any sub-period, and for a period before any event", async () => {
    for (const range of [
      { from: new Date(from.getTime() + 2 * DAY), to: new Date(from.getTime() + 6 * DAY) },
      { from: new Date(from.getTime() - 45 * DAY), to: new Date(from.getTime() - 3 * DAY) },
      { from: new Date(from.getTime() + 6 * DAY), to: new Date(to.getTime() + 5 * DAY) },
    ]) {
      const ledger = await ledgerFor(range);
      const bt = await runBacktest({ ctx: p.admin, input: { source: RULES, ...range } });
      expect(
        Object.fromEntries(
          bt.active.byRule.filter((r) => r.points !== 0 || r.awards !== 0).map((r) => [r.rule, { points: r.points, awards: r.awards }]),
        ),
      ).toEqual(ledger.rules);
    }
    const empty = await runBacktest({
      ctx: p.admin,
      input: { source: RULES, from: new Date(from.getTime() - 400 * DAY), to: new Date(from.getTime() - 300 * DAY) },
    });
    expect(empty.active.points).toBe(0);
    expect(empty.events).toBe(0);
  });

  it("counts coupons with their catalog value in the cost (a coupon without a value costs $0)", async () => {
    const bt = await runBacktest({ ctx: p.admin, input: { source: RULES, from, to } });
    const big = bt.active.byRule.find((r) => r.rule === "Big visit")!;
    expect(big).toMatchObject({ points: 0, coupons: 1, couponCostCents: 4500, costCents: 4500 });
    const surveys = bt.active.byRule.find((r) => r.rule === "Surveys")!;
    expect(surveys).toMatchObject({ points: 50, coupons: 1, couponCostCents: 0, costCents: 50 });
    expect(bt.active.costCents).toBe(bt.active.points + 4500);

    // A draft without the instant reward and with richer visits (two in the range).
    const draft = RULES.replace(/instant "Big visit" \{[^}]*\}\n/, "").replace("award 20 points", "award 30 points");
    const d = await runBacktest({ ctx: p.admin, input: { source: draft, from, to } });
    expect(d.draft.byRule.find((r) => r.rule === "Visit")).toMatchObject({ points: 60, awards: 2 });
    expect(d.draft.coupons).toBe(bt.active.coupons - 1);
    expect(d.difference.costCents).toBe(20 - 4500);
    expect(d.difference.byRule.find((r) => r.rule === "Big visit")).toMatchObject({ costDifferenceCents: -4500 });
  });

  it("reads the history in pages without skipping or repeating an event", async () => {
    const whole = await runBacktest({ ctx: p.admin, input: { source: RULES, from, to } });
    backtestPaging.size = 2;
    try {
      const paged = await runBacktest({ ctx: p.admin, input: { source: RULES, from, to } });
      expect(paged.replayed).toEqual(whole.replayed);
      expect(paged.active.byRule).toEqual(whole.active.byRule);
    } finally {
      backtestPaging.size = 5000;
    }
  });

  it("names the top members and counts the rest: the answer does not grow with the practice", async () => {
    const q = await makePractice(t);
    await saveRuleSet({ ctx: q.admin, input: { source: 'reward "Visit" on visit.checked_in { award 20 points }', publish: true } });
    const many = await makeMembers(
      t,
      q.id,
      Array.from({ length: BACKTEST_TOP_MEMBERS + 5 }, (_, i) => ({ firstName: `M${i}`, lastName: "Visit" })),
    );
    // Member i checks in i + 1 times: the top members are the last ones.
    for (const [i, m] of many.entries())
      for (let k = 0; k <= i; k++)
        await recordEvent({ ctx: q.system, input: { id: `v-${i}-${k}`, type: "visit.checked_in", at: at(1 + (k % 15)), member: m.id } });
    const cheaper = 'reward "Visit" on visit.checked_in { award 10 points }';
    const bt = await runBacktest({ ctx: q.admin, input: { source: cheaper, from, to } });
    expect(bt.draft.memberCount).toBe(many.length);
    expect(bt.draft.byMember).toHaveLength(BACKTEST_TOP_MEMBERS);
    expect(bt.draft.byMember[0]).toMatchObject({ memberId: many.at(-1)!.id, points: 10 * many.length });
    // The active side names the same top members, for the comparison on the page.
    const activeIds = new Set(bt.active.byMember.map((m) => m.memberId));
    for (const m of bt.draft.byMember) expect(activeIds.has(m.memberId)).toBe(true);
    expect(bt.active.byMember.find((m) => m.memberId === many.at(-1)!.id)?.points).toBe(20 * many.length);
    // Every member's points are still in the totals.
    expect(bt.draft.points).toBe((10 * many.length * (many.length + 1)) / 2);
  });
});
