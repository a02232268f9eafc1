// Inducement guardrails (SPEC 3): an excluded member's facts update as when the program is off,
// they are awarded nothing (points, coupons, milestones, instant rewards) and their redemptions
// are refused with `excluded`; a referral still rewards the party who is not excluded.
import { describe, expect, it } from "vitest";
import { compile, parse } from "../src/index.ts";
import { at, awards, ev, invoice, run } from "./helpers.ts";

const rules = `earn "Spend" on invoice.paid {
  rate 1 point per $10
}
reward "Visit" on visit.checked_in {
  award 5 points and coupon "free-brush"
}
reward "Friend" on referral.converted {
  award 50 points to referrer
  award 20 points to member
}
milestone "Perfect" unlimited {
  every 1 perfect surveys award 7 points
}
reward "Instagram" manual {
  award 3 points
  prompt "Your handle"
}
`;

describe("a member excluded from rewards", () => {
  const members = [{ id: "m1", excluded: true }, { id: "m2" }];

  it("is awarded nothing by any rule, while their facts update", () => {
    const out = run(
      rules,
      [
        invoice("m1", at(0), "100.00", "i1"),
        ev("visit.checked_in", "m1", at(1)),
        ev("survey.submitted", "m1", at(2), { survey: { answers: [true, true] } }),
        ev("action.completed", "m1", at(3), { action: { name: "Instagram", response: "@m1" } }, "act1"),
        ev("points.adjusted", "m1", at(4), { adjustment: { points: 10 } }, "adj1"),
        invoice("m2", at(5), "100.00", "i2"),
      ],
      { members },
    );
    expect(awards(out).filter((a) => a.startsWith("m1:"))).toEqual([]);
    expect(out.coupons.filter((c) => c.member === "m1")).toEqual([]);
    expect(out.pending).toEqual([]);
    expect(out.rejected).toEqual([
      { event: "act1", member: "m1", reason: "excluded" },
      { event: "adj1", member: "m1", reason: "excluded" },
    ]);
    expect(out.balances).toEqual({ m1: 0, m2: 10 });
  });

  it("has their redemptions refused with `excluded`, and may have points deducted", () => {
    const out = run(
      rules,
      [
        ev("points.adjusted", "m1", at(0), { adjustment: { points: -5 } }, "adj"),
        ev("points.redeemed", "m1", at(1), { redemption: { points: 1 } }, "red"),
      ],
      { members },
    );
    expect(out.rejected).toEqual([{ event: "red", member: "m1", reason: "excluded" }]);
    expect(out.adjustments).toEqual([{ event: "adj", member: "m1", points: -5 }]);
  });

  it("in a referral: the excluded party gets nothing, the other party still does", () => {
    const asReferrer = run(rules, [ev("referral.converted", "m2", at(0), { referral: { referrer: "m1", campaign: "s" } })], { members });
    expect(awards(asReferrer)).toEqual(["m2:Friend:20"]);
    const asReferee = run(rules, [ev("referral.converted", "m1", at(0), { referral: { referrer: "m2", campaign: "s" } })], { members });
    expect(awards(asReferee)).toEqual(["m2:Friend:50"]);
  });
});

describe("referral rewards switched off for a practice", () => {
  it("referral rules award nothing; other rules are unchanged", () => {
    const parsed = parse(rules);
    const program = compile(parsed.ast!, { referralRewards: false });
    expect(program.referralRewards).toBe(false);
    expect(program.plans.has("referral.converted")).toBe(false);
    expect(program.plans.has("visit.checked_in")).toBe(true);
    expect(compile(parsed.ast!, {}).plans.has("referral.converted")).toBe(true);
  });
});
