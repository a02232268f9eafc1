import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAction } from "../approvals/approvals.ts";
import { createReward, listRewards } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { dashboardSummary } from "./dashboard-summary.ts";

const rules = `
reward "Check-in" on visit.checked_in { award 10 points }
reward "Followed us" manual {
  award 50 points
  prompt "Tell us your handle"
}
`;

describe("dashboardSummary", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  let memberId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago" });
    other = await makePractice(t);
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    memberId = m!.id;
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
  }, 60_000);
  afterAll(() => t?.close());

  it("counts today's check-ins, pending approvals and this week's points in the practice timezone", async () => {
    const now = new Date("2026-11-18T16:00:00Z"); // Wednesday 10:00 in Chicago
    await recordEvent({
      ctx: p.system,
      input: { id: "c1", type: "visit.checked_in", at: "2026-11-18T15:00:00Z", member: memberId, visit: { method: "card" } } as never,
    });
    // Yesterday evening in Chicago, but "today" in UTC: not today's check-in, still this week.
    await recordEvent({
      ctx: p.system,
      input: { id: "c2", type: "visit.checked_in", at: "2026-11-18T03:00:00Z", member: memberId, visit: { method: "card" } } as never,
    });
    // Last week (Sunday): outside the week.
    await recordEvent({
      ctx: p.system,
      input: { id: "c3", type: "visit.checked_in", at: "2026-11-15T18:00:00Z", member: memberId, visit: { method: "card" } } as never,
    });
    await adjustPoints({ ctx: p.team, input: { memberId, points: 5, note: "goodwill", at: new Date("2026-11-18T15:30:00Z") } });
    await completeAction({ ctx: p.asMember(memberId), input: { memberId, rule: "Followed us", response: "@ana" } });

    const s = await dashboardSummary({ ctx: p.team, input: { now } });
    expect(s.checkInsToday).toBe(1);
    expect(s.pendingApprovals).toBe(1);
    expect(s.openOrders).toBe(0);
    expect(s.pointsIssuedThisWeek).toBe(20); // two check-ins this week; the adjustment is not "issued"
    expect(s.recentCheckIns[0]).toMatchObject({ name: "Ana B.", method: "card", points: 10 });

    const o = await dashboardSummary({ ctx: other.team, input: { now } });
    expect(o).toMatchObject({ checkInsToday: 0, pendingApprovals: 0, pointsIssuedThisWeek: 0, recentCheckIns: [] });
  });

  it("says where each recent coupon came from: an instant reward, a milestone, or bought with points", async () => {
    const q = await makePractice(t);
    const [m] = await makeMembers(t, q.id, [{ firstName: "Cy", lastName: "Dunn" }]);
    await createReward({
      ctx: q.admin,
      input: { kind: "coupon", name: "Free whitening", pointsPrice: 10, couponCode: "free-whitening", couponValidDays: 30 },
    });
    await createReward({ ctx: q.admin, input: { kind: "coupon", name: "$10 off", pointsPrice: 10, couponCode: "ten-off" } });
    await saveRuleSet({
      ctx: q.admin,
      input: {
        source: `reward "Visit" on visit.checked_in { award 50 points }
instant "Big visit" {
  window 4 hours
  when visit.points >= 50
  unlock coupon "ten-off" for 48 hours
}
milestone "Surveys" unlimited {
  every 1 perfect surveys award coupon "free-whitening"
}`,
        publish: true,
      },
    });
    const now = new Date();
    const at = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
    await recordEvent({ ctx: q.system, input: { id: "v1", type: "visit.checked_in", at: at(30), member: m!.id } as never });
    await recordEvent({
      ctx: q.system,
      input: { id: "s1", type: "survey.submitted", at: at(20), member: m!.id, survey: { answers: [true] } } as never,
    });
    const [whitening] = (await listRewards({ ctx: q.admin })).filter((r) => r.couponCode === "free-whitening");
    await redeemReward({ ctx: q.team, input: { memberId: m!.id, rewardId: whitening!.id } });

    // The redemption above is stamped with the clock: ask a moment after it, however slow the machine.
    const s = await dashboardSummary({ ctx: q.team, input: { now: new Date(Date.now() + 1000) } });
    expect(s.recentCoupons.map((c) => [c.origin, c.coupon, c.couponName])).toEqual([
      ["purchase", "free-whitening", "Free whitening"],
      ["milestone", "free-whitening", "Free whitening"],
      ["instant", "ten-off", "$10 off"],
    ]);
    expect(s.unlockedInstantRewards.map((c) => c.coupon)).toEqual(["ten-off"]);
  });
});
