// Coupons by their display names (issue 15): people read "$10 off your next visit", not "ten-off".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeForMember, listManualRewards } from "../approvals/approvals.ts";
import { checkIn } from "../checkin/check-in.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { couponLabel, couponName, couponNames } from "./coupon-names.ts";
import { createReward } from "./rewards.ts";

describe("coupon display names", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "$10 off your next visit", pointsPrice: 400, couponCode: "ten-off" },
    });
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "Movie night for two", pointsPrice: 600, couponCode: "movie-ticket" },
    });
  });
  afterAll(() => t?.dispose());

  it("maps codes to the catalog's names; an unknown code reads as words", async () => {
    const names = await couponNames(t.db, p.id, ["ten-off", "free-whitening"]);
    expect([...names]).toEqual([["ten-off", "$10 off your next visit"]]);
    expect(couponName("ten-off", names)).toBe("$10 off your next visit");
    expect(couponName("free-whitening", names)).toBe("Free whitening");
    expect(couponLabel("movie_ticket")).toBe("Movie ticket");
    expect((await couponNames(t.db, p.id)).get("movie-ticket")).toBe("Movie night for two");
    // Another practice's catalog names nothing here.
    const other = await makePractice(t);
    expect(await couponNames(t.db, other.id, ["ten-off"])).toEqual(new Map());
  });

  it("the portal's manual rewards name their coupons as patients read them", async () => {
    await saveRuleSet({
      ctx: p.admin,
      input: {
        source: 'reward "Followed us" manual {\n  award 50 points and coupon "movie-ticket"\n  prompt "Your handle?"\n}',
        publish: true,
      },
    });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    const [reward] = await listManualRewards({ ctx: p.asMember(m!.id) });
    expect(reward).toMatchObject({ name: "Followed us", points: 50, coupons: ["Movie night for two"] });
    // Rewarded at the desk, the answer names the coupon the same way.
    const done = await completeForMember({ ctx: p.team, input: { memberId: m!.id, rule: "Followed us" } });
    expect(done.coupons).toEqual(["Movie night for two"]);
  });

  it("a check-in that unlocks an instant reward names its coupon for the desk and the kiosk", async () => {
    // A practice of its own: publishing here removes no other test's rules.
    const q = await makePractice(t);
    await createReward({
      ctx: q.admin,
      input: { kind: "coupon", name: "$10 off your next visit", pointsPrice: 400, couponCode: "ten-off" },
    });
    await saveRuleSet({
      ctx: q.admin,
      input: {
        source: `reward "Check-in" on visit.checked_in { award 10 points }
instant "Quick visit" {
  window 4 hours
  when visit.points >= 10
  unlock coupon "ten-off" for 48 hours
}`,
        publish: true,
      },
    });
    const [m] = await makeMembers(t, q.id, [{ firstName: "Cy", lastName: "Dunn" }]);
    const r = await checkIn({ ctx: q.team, input: { method: "staff", memberId: m!.id } });
    expect(r.unlockedCoupons.map((c) => [c.coupon, c.name])).toEqual([["ten-off", "$10 off your next visit"]]);
  });
});
