// Referral campaigns: which run today (every active one within its dates, in the practice's
// calendar), inviting only while one runs with a readable refusal, and admins editing and ending.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import {
  campaignRunning,
  campaignTitle,
  createReferralCampaign,
  endReferralCampaign,
  inviteReferral,
  listReferralCampaigns,
  updateReferralCampaign,
} from "./referrals.ts";

describe("referral campaigns", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  const today = new Date().toISOString().slice(0, 10);
  const shift = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    [ana] = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }])).map((m) => m.id) as [string];
  });
  afterAll(() => t?.dispose());

  it("runs on a day when active and within its dates, both ends included", () => {
    const c = { active: true, startsOn: "2026-08-01", endsOn: "2026-09-15" };
    expect(["2026-07-31", "2026-08-01", "2026-09-15", "2026-09-16"].map((d) => campaignRunning(c, d))).toEqual([false, true, true, false]);
    expect(campaignRunning({ active: true, startsOn: null, endsOn: null }, "2030-01-01")).toBe(true);
    expect(campaignRunning({ active: false, startsOn: null, endsOn: null }, "2030-01-01")).toBe(false);
    expect(campaignTitle("back-to-school")).toBe("Back to school");
  });

  it("lists every campaign running today, not the ended or future ones; inviting works for each running one", async () => {
    const friends = await createReferralCampaign({ ctx: p.admin, input: { name: "friends" } });
    const winter = await createReferralCampaign({
      ctx: p.admin,
      input: { name: "winter-smiles", kind: "seasonal", startsOn: shift(-3), endsOn: today },
    });
    const ended = await createReferralCampaign({
      ctx: p.admin,
      input: { name: "back-to-school", kind: "seasonal", startsOn: shift(-120), endsOn: shift(-80) },
    });
    await createReferralCampaign({ ctx: p.admin, input: { name: "spring", kind: "seasonal", startsOn: shift(40), endsOn: shift(60) } });
    const running = await listReferralCampaigns({ ctx: p.asMember(ana), input: { running: true } });
    expect(running.map((c) => c.title).sort()).toEqual(["Friends", "Winter smiles"]);
    for (const c of [friends, winter]) {
      const invite = await inviteReferral({ ctx: p.asMember(ana), input: { campaignId: c.id, referrerId: ana, inviteeName: "Jo" } });
      expect(invite.token.length).toBeGreaterThan(8);
    }
    // An ended campaign refuses with a date people read, not an ISO date.
    const refused = inviteReferral({ ctx: p.asMember(ana), input: { campaignId: ended.id, referrerId: ana } });
    await expect(refused).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^Back to school ended on [A-Z][a-z]{2} \d{1,2}, \d{4}\.$/),
    });
  });

  it("admins edit a campaign's dates and end it; a patient cannot, and another practice cannot see it", async () => {
    const c = await createReferralCampaign({
      ctx: p.admin,
      input: { name: "summer", kind: "seasonal", startsOn: shift(-200), endsOn: shift(-150) },
    });
    expect((await listReferralCampaigns({ ctx: p.admin })).find((x) => x.id === c.id)?.running).toBe(false);
    const edited = await updateReferralCampaign({ ctx: p.admin, input: { id: c.id, endsOn: shift(10), description: "Longer summer" } });
    expect(edited).toMatchObject({ endsOn: shift(10), description: "Longer summer" });
    expect((await listReferralCampaigns({ ctx: p.admin })).find((x) => x.id === c.id)?.running).toBe(true);
    await expect(updateReferralCampaign({ ctx: p.admin, input: { id: c.id, startsOn: shift(20) } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(updateReferralCampaign({ ctx: p.admin, input: { id: c.id, endsOn: null } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(endReferralCampaign({ ctx: p.asMember(ana), input: { id: c.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const other = await makePractice(t);
    await expect(endReferralCampaign({ ctx: other.admin, input: { id: c.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateReferralCampaign({ ctx: other.admin, input: { id: c.id, description: "x" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await endReferralCampaign({ ctx: p.admin, input: { id: c.id } });
    expect((await listReferralCampaigns({ ctx: p.asMember(ana), input: { running: true } })).map((x) => x.name)).not.toContain("summer");
    await expect(inviteReferral({ ctx: p.asMember(ana), input: { campaignId: c.id, referrerId: ana } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Summer has ended.",
    });
  });
});
