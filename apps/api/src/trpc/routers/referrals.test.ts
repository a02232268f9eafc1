// Referrals through the API: the portal lists every campaign running today with its readable
// name, inviting works for each, and admins edit and end a campaign.
import { members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

describe("referral campaigns in the portal and the admin app", () => {
  let h: Harness;
  let admin: TestClient;
  let patient: TestClient;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    const [ana] = await h.t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")));
    patient = h.client();
    await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana!.cardNumber!, birthday: ana!.birthday! });
  });
  afterAll(async () => h?.dispose());

  it("lists the running campaigns (not ended ones), invites for each, and ends one", async () => {
    await admin.engagement.createReferralCampaign.mutate({ name: "friends", description: "Refer a friend" });
    // A day of margin on each side: the practice's calendar may be a day behind or ahead of UTC.
    const season = await admin.engagement.createReferralCampaign.mutate({
      name: "winter-smiles",
      kind: "seasonal",
      startsOn: day(-5),
      endsOn: day(5),
    });
    await admin.engagement.createReferralCampaign.mutate({
      name: "back-to-school",
      kind: "seasonal",
      startsOn: day(-90),
      endsOn: day(-60),
    });
    const { campaigns } = await patient.engagement.myReferrals.query();
    expect(campaigns.map((c) => c.title)).toEqual(["Friends", "Winter smiles"]);
    for (const c of campaigns) {
      const r = await patient.engagement.refer.mutate({ campaignId: c.id, inviteeName: "Jo", inviteeEmail: "jo@example.com" });
      expect(r).toMatchObject({ emailed: true, link: expect.stringContaining("/portal/join/") });
    }
    const mine = await patient.engagement.myReferrals.query();
    expect(mine.referrals.map((r) => r.campaign).sort()).toEqual(["Friends", "Winter smiles"]);

    await admin.engagement.updateReferralCampaign.mutate({ id: season.id, description: "Brighter winter" });
    await admin.engagement.endReferralCampaign.mutate({ id: season.id });
    expect((await patient.engagement.myReferrals.query()).campaigns.map((c) => c.title)).toEqual(["Friends"]);
    await expect(patient.engagement.endReferralCampaign.mutate({ id: season.id })).rejects.toMatchObject({
      data: { code: "UNAUTHORIZED" },
    });
    const listed = await admin.engagement.referralCampaigns.query();
    expect(listed.find((c) => c.id === season.id)).toMatchObject({ description: "Brighter winter", active: false, running: false });
  });
});
