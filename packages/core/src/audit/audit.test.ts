// The audit log in words (issue 15): a title and facts for each row, names instead of ids and
// codes, never raw JSON.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { auditActions, describeAudit } from "./describe-audit.ts";
import { listAudit } from "./list-audit.ts";

describe("audit log lines", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("an adjustment reads as a title with the member's name, the points and the note; no ids", async () => {
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    await adjustPoints({ ctx: p.team, input: { memberId: ana!.id, points: 50, note: "goodwill" } });
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "$10 off your next visit", pointsPrice: 400, couponCode: "ten-off" },
    });
    const rows = await listAudit({ ctx: p.admin });
    const adjusted = rows.find((r) => r.action === "ledger.adjustPoints")!;
    expect(adjusted.line).toEqual({
      title: "Points adjusted",
      facts: [
        { label: "Member", value: "Ana Bell" },
        { label: "Points", value: 50, type: "points" },
        { label: "Note", value: "goodwill", type: "text" },
      ],
    });
    expect(adjusted.actorLabel).toBe("Team");
    const reward = rows.find((r) => r.action === "catalog.createReward")!;
    expect(reward.line.title).toBe("Reward added");
    expect(reward.line.facts).toContainEqual({ label: "Kind", value: "coupon", type: "text" });
    for (const r of rows) {
      expect(r.line.title).not.toMatch(/\./);
      for (const f of r.line.facts) expect(`${f.label} ${f.value}`).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|entryId|[{}[\]]/);
    }
  });

  it("names coupons by their catalog name, dates as dates, and leaves out internal references", () => {
    const line = describeAudit(
      "coupons.use",
      { coupon: "ten-off", memberId: "m1", at: "2026-12-01T15:00:00.000Z", entryId: "e1", entrantsDigest: "abc" },
      { members: new Map([["m1", "Ana Bell"]]), coupons: new Map([["ten-off", "$10 off your next visit"]]) },
    );
    expect(line).toEqual({
      title: "Coupon used",
      facts: [
        { label: "Member", value: "Ana Bell" },
        { label: "Coupon", value: "$10 off your next visit" },
        { label: "At", value: "2026-12-01T15:00:00.000Z", type: "date" },
      ],
    });
    expect(describeAudit("engagement.createReferralCampaign", { endsOn: "2026-09-15" }).facts).toEqual([
      { label: "Ends on", value: "2026-09-15", type: "date" },
    ]);
    expect(describeAudit("someModule.didSomethingNew", { shinyThing: 3 })).toEqual({
      title: "Did something new",
      facts: [{ label: "Shiny thing", value: 3, type: "text" }],
    });
  });

  it("offers every action by its title for the log's filter", () => {
    const actions = auditActions();
    expect(actions).toContainEqual({ action: "ledger.adjustPoints", title: "Points adjusted" });
    expect(actions.map((a) => a.title)).toEqual([...actions.map((a) => a.title)].sort((a, b) => a.localeCompare(b)));
    for (const a of actions) expect(a.title).not.toMatch(/\./);
  });
});
