// A friend's referral link: the lead that registers through it carries the referral, and
// converting (or merging) the lead converts the referral, awarding the referrer exactly once.
import { ledgerEntries, members, referrals } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLeadAndSignIn } from "../auth/member-registration.ts";
import { convertReferral, createReferralCampaign, inviteReferral } from "../engagement/referrals.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { createMember } from "./create-member.ts";
import { convertLead, registerLead } from "./leads.ts";

const rules = `
reward "Friend referred" on referral.converted {
  award 250 points to referrer
  award 100 points to member
}
`;

describe("leads from a referral link", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  let campaignId: string;
  let ana: Awaited<ReturnType<typeof createMember>>;
  const slug = `ref-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { slug });
    other = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    campaignId = (await createReferralCampaign({ ctx: p.admin, input: { name: "friends" } })).id;
    ana = await createMember({ ctx: p.team, input: { firstName: "Ana", lastName: "Bell", email: "ana@example.com" } });
  });
  afterAll(() => t?.dispose());

  const invite = () => inviteReferral({ ctx: p.asMember(ana.id), input: { campaignId, referrerId: ana.id, inviteeName: "Friend" } });
  const referralAwards = async (memberId: string) =>
    t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.memberId, memberId), eq(ledgerEntries.practiceId, p.id)))
      .then((rows) => rows.filter((e) => e.idempotencyKey.startsWith("ev:") && e.points !== 0));
  const referralRow = async (id: string) => (await t.db.select().from(referrals).where(eq(referrals.id, id)))[0]!;
  const leadRow = async (id: string) => (await t.db.select().from(members).where(eq(members.id, id)))[0]!;

  it("records the token at registration and converts the referral with the lead, once", async () => {
    const inv = await invite();
    const lead = await registerLeadAndSignIn(t.db, {
      practice: slug,
      firstName: "Mia",
      lastName: "Lopez",
      email: "mia@example.com",
      referralToken: inv.token,
      password: "a long password",
    });
    expect(lead.status).toBe("lead");
    expect((await leadRow(lead.memberId)).referralToken).toBe(inv.token);
    expect((await referralRow(inv.referralId)).status).toBe("invited");

    const anaBefore = await ledgerSum(t.db, p.id, ana.id);
    const member = await convertLead({ ctx: p.admin, input: { id: lead.memberId } });
    expect(member.status).toBe("member");
    const ref = await referralRow(inv.referralId);
    expect(ref).toMatchObject({ status: "converted", referredMemberId: lead.memberId });
    expect(ref.eventId).not.toBeNull();
    expect(await ledgerSum(t.db, p.id, ana.id)).toBe(anaBefore + 250);
    expect((await referralAwards(ana.id)).map((e) => e.points)).toEqual([250]);
    expect((await referralAwards(lead.memberId)).map((e) => e.points)).toEqual([100]);

    // Converting again is refused, and so is converting the referral by hand: nothing is awarded twice.
    await expect(convertLead({ ctx: p.admin, input: { id: lead.memberId } })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(convertReferral({ ctx: p.team, input: { token: inv.token, memberId: lead.memberId } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await referralAwards(ana.id)).map((e) => e.points)).toEqual([250]);
    expect(await ledgerSum(t.db, p.id, ana.id)).toBe(anaBefore + 250);
  });

  it("a lead merged into an existing member converts the referral for that member", async () => {
    const inv = await invite();
    const liam = await createMember({ ctx: p.team, input: { firstName: "Liam", lastName: "Garcia" } });
    const lead = await registerLead({
      ctx: p.system,
      input: { firstName: "Liam", lastName: "G", email: "liam@example.com", referralToken: inv.token },
    });
    const anaBefore = await ledgerSum(t.db, p.id, ana.id);
    const survivor = await convertLead({ ctx: p.admin, input: { id: lead.id, mergeIntoId: liam.id } });
    expect(survivor.id).toBe(liam.id);
    expect(await referralRow(inv.referralId)).toMatchObject({ status: "converted", referredMemberId: liam.id });
    expect(await ledgerSum(t.db, p.id, ana.id)).toBe(anaBefore + 250);
    expect((await referralAwards(liam.id)).map((e) => e.points)).toEqual([100]);
    expect((await referralAwards(lead.id)).length).toBe(0);
  });

  it("an unknown, foreign or already converted token still registers the lead, without a referral", async () => {
    const used = await invite();
    const mia = await createMember({ ctx: p.team, input: { firstName: "Mia", lastName: "Two" } });
    await convertReferral({ ctx: p.team, input: { token: used.token, memberId: mia.id } });
    const otherAna = await createMember({ ctx: other.team, input: { firstName: "Other", lastName: "Ana" } });
    const otherCampaign = await createReferralCampaign({ ctx: other.admin, input: { name: "friends" } });
    const foreign = await inviteReferral({ ctx: other.team, input: { campaignId: otherCampaign.id, referrerId: otherAna.id } });

    for (const referralToken of ["no-such-token", "", "x".repeat(500), used.token, foreign.token]) {
      const lead = await registerLeadAndSignIn(t.db, {
        practice: slug,
        firstName: "Zoe",
        lastName: "Park",
        email: "zoe@example.com",
        referralToken,
        password: "a long password",
      });
      expect(lead.status).toBe("lead");
      expect((await leadRow(lead.memberId)).referralToken).toBeNull();
      const anaBefore = await ledgerSum(t.db, p.id, ana.id);
      await convertLead({ ctx: p.admin, input: { id: lead.memberId } });
      expect(await ledgerSum(t.db, p.id, ana.id)).toBe(anaBefore);
    }
    expect((await referralRow(foreign.referralId)).status).toBe("invited");
  });

  it("a referral converted meanwhile (by hand) does not block converting the lead", async () => {
    const inv = await invite();
    const lead = await registerLead({
      ctx: p.system,
      input: { firstName: "Sam", lastName: "Lee", email: "sam@example.com", referralToken: inv.token },
    });
    const other = await createMember({ ctx: p.team, input: { firstName: "Sam", lastName: "Other" } });
    await convertReferral({ ctx: p.team, input: { token: inv.token, memberId: other.id } });
    const anaBefore = await ledgerSum(t.db, p.id, ana.id);
    expect((await convertLead({ ctx: p.admin, input: { id: lead.id } })).status).toBe("member");
    expect(await referralRow(inv.referralId)).toMatchObject({ status: "converted", referredMemberId: other.id });
    expect(await ledgerSum(t.db, p.id, ana.id)).toBe(anaBefore);
  });
});
