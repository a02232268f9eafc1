// One definition per figure: every summary figure equals the sum of its table, on data with voids,
// late events, redemptions and a refunded (cancelled) order; a patient checking in three times in
// a day is one check-in, on the dashboard and in Reports alike.
import { addDays, localDate, startOfLocalDay } from "@tally/rules";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { cancelOrder } from "../redemption/orders.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { dashboardSummary } from "./dashboard-summary.ts";
import { dailySeries, pointsReport, redemptionsByReward, settleRange, topRules } from "./reports.ts";

const DAY = 86_400_000;

describe("report figures agree with their tables", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const now = new Date();
  // Local days in Chicago: the range is the last 10 days, today included.
  const from = new Date(now.getTime() - 10 * DAY);
  const to = new Date(now.getTime() + DAY);
  const ago = (days: number, hours = 0) => new Date(now.getTime() - days * DAY - hours * 3_600_000).toISOString();

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago", pointCostCentiCents: 200 });
    await saveRuleSet({
      ctx: p.admin,
      input: {
        source:
          'earn "Spend" on invoice.paid { rate 1 point per $1 }\nreward "Visit" on visit.checked_in { award 10 points limit once per day }',
        publish: true,
      },
    });
    const [ana, ben, cy] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Bell" },
      { firstName: "Ben", lastName: "Cole" },
      { firstName: "Cy", lastName: "Dunn" },
    ]);
    let n = 0;
    const ev = (type: string, at: string, member: string, extra: object = {}) =>
      recordEvent({ ctx: p.system, input: { id: `e${++n}`, type: type as never, at, member, ...extra } });
    const paid = (at: string, member: string, invoice: string, dollars: number) =>
      ev("invoice.paid", at, member, { invoice: { id: invoice, lines: [{ code: "X", amount: `${dollars}.00` }] } });
    await paid(ago(30), ana!.id, "a0", 900); // before the range: opening balance
    await paid(ago(8), ana!.id, "a1", 120);
    await paid(ago(6), ben!.id, "b1", 300);
    await paid(ago(9), ben!.id, "b0", 40); // late: recorded after b1, dated before it
    await ev("invoice.voided", ago(5), ben!.id, { invoice: { id: "b1" } });
    await ev("invoice.voided", ago(4), ana!.id, { invoice: { id: "a0" } }); // voids an invoice from before the range
    await adjustPoints({ ctx: p.team, input: { memberId: cy!.id, points: 400, note: "welcome", at: new Date(ago(3)) } });
    await adjustPoints({ ctx: p.team, input: { memberId: cy!.id, points: -25, note: "correction", at: new Date(ago(2)) } });
    // Cy checks in three times today, Ana once.
    const today = startOfLocalDay(localDate(now, "America/Chicago"), "America/Chicago").getTime();
    for (const seconds of [10, 30, 50]) await ev("visit.checked_in", new Date(today + seconds * 1000).toISOString(), cy!.id);
    await ev("visit.checked_in", new Date(today + 20_000).toISOString(), ana!.id);
    const mug = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 120 } });
    const cap = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Cap", pointsPrice: 100 } });
    await redeemReward({ ctx: p.team, input: { memberId: cy!.id, rewardId: mug.id } });
    await redeemReward({ ctx: p.team, input: { memberId: ana!.id, rewardId: mug.id } });
    const refunded = await redeemReward({ ctx: p.team, input: { memberId: cy!.id, rewardId: cap.id } });
    await cancelOrder({ ctx: p.team, input: { orderId: refunded.orderId, reason: "changed their mind" } });
  });
  afterAll(() => t?.dispose());

  it("every summary figure equals the sum of its per-day table, and the per-reward and per-rule tables", async () => {
    const range = { from, to };
    const [summary, days, rewards, rules] = await Promise.all([
      pointsReport({ ctx: p.team, input: range }),
      dailySeries({ ctx: p.team, input: range }),
      redemptionsByReward({ ctx: p.team, input: range }),
      topRules({ ctx: p.team, input: { ...range, limit: 100 } }),
    ]);
    const total = (key: "issued" | "redeemed" | "reversed" | "adjusted" | "expired" | "checkIns") => days.reduce((s, d) => s + d[key], 0);
    expect(summary.issued).toBe(total("issued"));
    expect(summary.redeemed).toBe(total("redeemed"));
    expect(summary.reversed).toBe(total("reversed"));
    expect(summary.adjusted).toBe(total("adjusted"));
    expect(summary.expired).toBe(total("expired"));
    expect(summary.checkIns).toBe(total("checkIns"));
    // Redemptions by reward add up to "Points redeemed" (the refunded order is taken off).
    expect(rewards.reduce((s, r) => s + r.points, 0)).toBe(summary.redeemed);
    expect(rewards).toEqual([{ reward: "Mug", kind: "in_house", orders: 2, points: 240 }]);
    // Top earning rules add up to what was issued less what was reversed.
    expect(rules.reduce((s, r) => s + r.points, 0)).toBe(summary.issued - summary.reversed);
    // Outstanding at the end = outstanding at the start + every day's movement.
    const opening = await pointsReport({ ctx: p.team, input: { from: new Date(from.getTime() - 60 * DAY), to: from } });
    const moved = days.reduce((s, d) => s + d.issued - d.redeemed - d.reversed + d.adjusted - d.expired, 0);
    expect(summary.outstanding).toBe(opening.outstanding + moved);
    expect(summary.liabilityCents).toBe(summary.outstanding * 2);
    // Read from the cached balances less the later entries, it is the ledger's sum before each end.
    for (const end of [from, new Date(now.getTime() - 3 * DAY), now, to]) {
      const [direct] = await query<{ points: string }>(
        t.db,
        sql`select coalesce(sum(points), 0) as points from ledger_entries where practice_id = ${p.id} and at < ${end.toISOString()}::timestamptz`,
      );
      const report = await pointsReport({ ctx: p.team, input: { from: new Date(end.getTime() - DAY), to: end } });
      expect(report.outstanding).toBe(Number(direct!.points));
    }

    // The figures themselves: Ben's late invoice and both voids in the range, the refund netted.
    expect(summary).toMatchObject({ issued: 120 + 300 + 40 + 20, reversed: 300 + 900, redeemed: 240, adjusted: 375, checkIns: 2 });
    expect(summary.redeemedCostCents).toBe(480);
  });

  it("a partial day at either end is read whole only when the rest of that day holds nothing", async () => {
    const tz = "America/Chicago";
    const day = (at: Date, plus = 0) => startOfLocalDay(addDays(localDate(at, tz), plus), tz);
    const today = day(now);
    const tomorrow = day(now, 1);
    // Ending now: nothing later today, so today is read whole; the first day has nothing before `from`.
    const endingNow = new Date(Date.now() + 1000);
    expect(await settleRange(p.team, from, endingNow, tz)).toEqual({ from: day(from), to: tomorrow });
    const [partial, whole] = await Promise.all([
      pointsReport({ ctx: p.team, input: { from, to: endingNow } }),
      pointsReport({ ctx: p.team, input: { from: day(from), to: tomorrow } }),
    ]);
    expect({ ...partial, from: null, to: null }).toEqual({ ...whole, from: null, to: null });
    // Ending between Cy's first check-in (+10 s) and Ana's (+20 s): the rest of today holds rows.
    const mid = new Date(today.getTime() + 15_000);
    expect((await settleRange(p.team, from, mid, tz)).to).toEqual(mid);
    const days = await dailySeries({ ctx: p.team, input: { from, to: mid } });
    expect(days.at(-1)).toMatchObject({ day: localDate(now, tz), checkIns: 1, issued: 10 });
    expect(await pointsReport({ ctx: p.team, input: { from, to: mid } })).toMatchObject({ checkIns: 1, activeMembers: 3 });
  });

  it("a patient checking in three times today is one check-in today", async () => {
    const days = await dailySeries({ ctx: p.team, input: { from, to } });
    const s = await dashboardSummary({ ctx: p.team, input: { now } });
    expect(s.checkInsToday).toBe(2);
    expect(days.find((d) => d.checkIns > 0)?.checkIns).toBe(2);
    expect(s.checkedInToday.length).toBe(2);
  });
});
