import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { dailySeries, exportReportCsv, pointsReport, recentSeries, redemptionsByReward, topRules } from "./reports.ts";

describe("reports", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const range = { from: "2026-03-01T06:00:00Z", to: "2026-03-04T06:00:00Z" };
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago", pointCostCentiCents: 1000 });
    await saveRuleSet({
      ctx: p.admin,
      input: {
        source: 'earn "Spend" on invoice.paid { rate 1 point per $1 }\nreward "Visit" on visit.checked_in { award 5 points }',
        publish: true,
      },
    });
    const [ana, liam] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "B" },
      { firstName: "Liam", lastName: "G" },
    ]);
    const ev = (id: string, type: string, at: string, member: string, extra: object = {}) =>
      recordEvent({ ctx: p.system, input: { id, type: type as never, at, member, ...extra } });
    // 2026-03-02 03:00 UTC is still March 1 in Chicago.
    await ev("e1", "invoice.paid", "2026-03-02T03:00:00Z", ana!.id, { invoice: { id: "i1", lines: [{ code: "A", amount: "120.00" }] } });
    await ev("e2", "visit.checked_in", "2026-03-02T15:00:00Z", liam!.id, { visit: { method: "card" } });
    await ev("e3", "invoice.paid", "2026-03-02T16:00:00Z", liam!.id, { invoice: { id: "i2", lines: [{ code: "A", amount: "30.00" }] } });
    await ev("e4", "invoice.voided", "2026-03-03T16:00:00Z", liam!.id, { invoice: { id: "i2" } });
    await adjustPoints({ ctx: p.team, input: { memberId: ana!.id, points: 10, note: "x", at: new Date("2026-03-03T17:00:00Z") } });
    const reward = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 100 } });
    await redeemReward({ ctx: p.team, input: { memberId: ana!.id, rewardId: reward.id } });
  });
  afterAll(() => t?.dispose());

  it("points issued, redeemed, reversed, outstanding and the liability", async () => {
    const r = await pointsReport({ ctx: p.team, input: range });
    expect(r).toMatchObject({ issued: 155, reversed: 30, adjusted: 10, redeemed: 0, activeMembers: 2 });
    const all = await pointsReport({ ctx: p.team, input: { from: "2026-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" } });
    expect(all.redeemed).toBe(100);
    expect(all.outstanding).toBe(155 - 30 + 10 - 100);
    expect(all.liabilityCents).toBe(35 * 10);
    await expect(pointsReport({ ctx: p.asMember("x"), input: range })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the dashboard's series: the last days as whole local days, today included", async () => {
    // 2026-03-04 04:00 UTC is still March 3 in Chicago: March 1-3, each day whole.
    const days = await recentSeries({ ctx: p.team, days: 3, now: new Date("2026-03-04T04:00:00Z") });
    expect(days.map((d) => [d.day, d.issued, d.reversed, d.adjusted, d.checkIns])).toEqual([
      ["2026-03-01", 120, 0, 0, 0],
      ["2026-03-02", 35, 0, 0, 1],
      ["2026-03-03", 0, 30, 10, 0],
    ]);
    await expect(recentSeries({ ctx: p.asMember("x"), days: 3 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("per-day series in the practice timezone, top rules, redemptions by reward, CSV", async () => {
    const days = await dailySeries({ ctx: p.team, input: range });
    expect(days.map((d) => [d.day, d.issued, d.reversed, d.checkIns])).toEqual([
      ["2026-03-01", 120, 0, 0],
      ["2026-03-02", 35, 0, 1],
      ["2026-03-03", 0, 30, 0],
    ]);
    expect((await topRules({ ctx: p.team, input: range })).map((r) => [r.rule, r.points])).toEqual([
      ["Spend", 120],
      ["Visit", 5],
    ]);
    expect(await redemptionsByReward({ ctx: p.team, input: { from: "2026-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" } })).toEqual([
      { reward: "Mug", kind: "in_house", orders: 1, points: 100 },
    ]);
    const csv = await exportReportCsv({ ctx: p.team, input: { report: "daily", ...range } });
    expect(csv.csv.split("\n")[0]).toBe("day,issued,redeemed,reversed,adjusted,expired,members,checkIns");
    expect(csv.csv).toContain("2026-03-01,120,0,0,0,0,1,0");
  });
});
