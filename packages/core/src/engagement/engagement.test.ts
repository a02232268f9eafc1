import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAction, decideApproval, listApprovals, listManualRewards } from "../approvals/approvals.ts";
import { createReward } from "../catalog/rewards.ts";
import { checkIn } from "../checkin/check-in.ts";
import { getBalance } from "../ledger/balance.ts";
import { createMember } from "../members/create-member.ts";
import { getMember } from "../members/get-member.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { participate, saveActivity } from "./marketplace.ts";
import { createQrCode, scanQr } from "./qr-codes.ts";
import { convertReferral, createReferralCampaign, inviteReferral } from "./referrals.ts";
import { listReviews, publishReview, submitReview } from "./reviews.ts";
import { listSurveyQuestions, saveSurveyQuestion, submitSurvey } from "./surveys.ts";

const rules = `
reward "Check-in" on visit.checked_in {
  award 10 points
  limit once per day
}
reward "Summer event" on qr.scanned when qr.code = "SUMMER-2026" { award 15 points }
reward "Friend referred" on referral.converted {
  award 250 points to referrer
  award 100 points to member
}
reward "Contest entry" on marketplace.participated when activity.kind = "contest" { award 5 points }
reward "Great review" on review.posted when review.rating >= 4 { award 40 points }
reward "Followed us on Instagram" manual {
  award 50 points
  prompt "Follow @brightsmiles and tell us your handle"
  confirmation "Thanks! Your points are on the way."
  limit once per member
}
instant "Big visit" {
  window 4 hours
  when visit.points >= 10
  unlock coupon "free-whitening" for 48 hours
}
milestone "Braces journey" limited {
  phase "Bracket Buddy" after 2 perfect surveys award 100 points
  phase "Aligner Ace" after 1 perfect surveys award 50 points and coupon "movie-ticket"
}
`;

describe("engagement, approvals and check-in", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: Awaited<ReturnType<typeof createMember>>;
  let liam: Awaited<ReturnType<typeof createMember>>;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    for (const c of ["free-whitening", "movie-ticket"])
      await createReward({ ctx: p.admin, input: { kind: "coupon", name: c, pointsPrice: 500, couponCode: c, enabled: false } });
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    ana = await createMember({
      ctx: p.team,
      input: { firstName: "Ana", lastName: "Bell", phone: "217-555-0101", birthday: "1990-04-02", cardNumber: "40000007" },
    });
    liam = await createMember({ ctx: p.team, input: { firstName: "Liam", lastName: "Garcia" } });
  });
  afterAll(() => t?.dispose());

  it("check-in by card returns the kiosk screen: name, points now, balance, progress, instant coupons", async () => {
    const r = await checkIn({ ctx: p.kiosk, input: { method: "card", card: "%B40000007^BELL/ANA^?" } });
    expect(r.displayName).toBe("Ana B.");
    expect(r.pointsEarned).toBe(10);
    expect(r.balance).toBe(10);
    expect(r.milestones).toEqual([
      expect.objectContaining({ name: "Braces journey", tally: 0, target: 2, nextPhase: "Bracket Buddy", finished: false }),
    ]);
    expect(r.unlockedCoupons.map((c) => c.coupon)).toEqual(["free-whitening"]);
    const again = await checkIn({ ctx: p.kiosk, input: { method: "phone", phone: "(217) 555-0101", birthday: "1990-04-02" } });
    expect(again.pointsEarned).toBe(0);
    await expect(checkIn({ ctx: p.kiosk, input: { method: "phone", phone: "2175550101", birthday: "1991-01-01" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(checkIn({ ctx: p.kiosk, input: { method: "staff", memberId: ana.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await checkIn({ ctx: p.team, input: { method: "qr", code: `tally:member:${liam.id}` } })).displayName).toBe("Liam G.");
  });

  it("compliance surveys: perfect = every answer positive; phases are reached and shown", async () => {
    const q1 = await saveSurveyQuestion({ ctx: p.admin, input: { text: "On time?", position: 1 } });
    const q2 = await saveSurveyQuestion({ ctx: p.admin, input: { text: "Good hygiene?", position: 2 } });
    expect((await listSurveyQuestions({ ctx: p.kiosk })).map((q) => q.text)).toEqual(["On time?", "Good hygiene?"]);
    const answers = (a: boolean, b: boolean) => [
      { questionId: q1.id, positive: a },
      { questionId: q2.id, positive: b },
    ];
    expect((await submitSurvey({ ctx: p.team, input: { memberId: ana.id, answers: answers(true, false) } })).perfect).toBe(false);
    await submitSurvey({ ctx: p.team, input: { memberId: ana.id, answers: answers(true, true) } });
    const r = await submitSurvey({ ctx: p.team, input: { memberId: ana.id, answers: answers(true, true) } });
    expect(r.phases.map((x) => x.phase)).toEqual(["Bracket Buddy"]);
    expect(r.awards.map((a) => a.points)).toEqual([100]);
    const last = await submitSurvey({ ctx: p.kiosk, input: { memberId: ana.id, answers: answers(true, true) } });
    expect(last.coupons.map((c) => c.coupon)).toEqual(["movie-ticket"]);
    expect((await getMember({ ctx: p.team, input: { id: ana.id } })).phases.map((x) => x.phase).sort()).toEqual([
      "Aligner Ace",
      "Bracket Buddy",
    ]);
    await expect(
      submitSurvey({ ctx: p.team, input: { memberId: ana.id, answers: [{ questionId: q1.id, positive: true }] } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("QR codes award once per member", async () => {
    const qr = await createQrCode({ ctx: p.admin, input: { code: "SUMMER-2026", label: "Summer party" } });
    expect(qr.payload).toContain(qr.token);
    expect(
      (await scanQr({ ctx: p.asMember(liam.id), input: { memberId: liam.id, token: qr.payload } })).awards.map((a) => a.points),
    ).toEqual([15]);
    expect((await scanQr({ ctx: p.asMember(liam.id), input: { memberId: liam.id, token: qr.token } })).firstScan).toBe(false);
    await expect(scanQr({ ctx: p.asMember(liam.id), input: { memberId: liam.id, token: "nonexistent-token" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("referrals reward both sides only when they convert", async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const campaign = await createReferralCampaign({
      ctx: p.admin,
      input: { name: "spring", kind: "seasonal", startsOn: day(-10), endsOn: day(30) },
    });
    const later = await createReferralCampaign({
      ctx: p.admin,
      input: { name: "later", kind: "seasonal", startsOn: day(40), endsOn: day(60) },
    });
    await expect(inviteReferral({ ctx: p.team, input: { campaignId: later.id, referrerId: ana.id } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(createReferralCampaign({ ctx: p.admin, input: { name: "x", kind: "seasonal" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const invite = await inviteReferral({
      ctx: p.asMember(ana.id),
      input: { campaignId: campaign.id, referrerId: ana.id, inviteeName: "Mia" },
    });
    const before = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
    const mia = await createMember({ ctx: p.team, input: { firstName: "Mia", lastName: "Lopez" } });
    const r = await convertReferral({ ctx: p.team, input: { token: invite.token, memberId: mia.id } });
    expect(r.awards.map((a) => [a.member, a.points])).toEqual([
      [ana.id, 250],
      [mia.id, 100],
    ]);
    expect((await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance).toBe(before + 250);
    await expect(convertReferral({ ctx: p.team, input: { token: invite.token, memberId: mia.id } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("marketplace participation counts once; reviews are submitted then published", async () => {
    const contest = await saveActivity({ ctx: p.admin, input: { kind: "contest", title: "Smile photo contest" } });
    expect(
      (
        await participate({ ctx: p.asMember(liam.id), input: { memberId: liam.id, activityId: contest.id, response: "my smile photo" } })
      ).awards.map((a) => a.points),
    ).toEqual([5]);
    await expect(
      participate({ ctx: p.asMember(liam.id), input: { memberId: liam.id, activityId: contest.id, response: "again" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const review = await submitReview({ ctx: p.asMember(liam.id), input: { memberId: liam.id, rating: 5, body: "Lovely staff" } });
    expect(review.awards.map((a) => a.points)).toEqual([40]);
    expect(await listReviews({ ctx: p.asMember(ana.id) })).toEqual([]);
    await publishReview({ ctx: p.team, input: { id: review.review.id } });
    expect((await listReviews({ ctx: p.asMember(ana.id) })).map((r) => r.author)).toEqual(["Liam G."]);
  });

  it("manual rewards: complete -> approvals queue -> approve awards, reject drops; limit once per member", async () => {
    expect((await listManualRewards({ ctx: p.asMember(ana.id) })).map((r) => r.name)).toEqual(["Followed us on Instagram"]);
    const a = await completeAction({
      ctx: p.asMember(ana.id),
      input: { memberId: ana.id, rule: "Followed us on Instagram", response: "@ana" },
    });
    expect(a.confirmation).toBe("Thanks! Your points are on the way.");
    const l = await completeAction({
      ctx: p.asMember(liam.id),
      input: { memberId: liam.id, rule: "Followed us on Instagram", response: "@liam" },
    });
    expect((await listApprovals({ ctx: p.team })).map((x) => x.response)).toEqual(["@ana", "@liam"]);
    const approved = await decideApproval({ ctx: p.team, input: { requestId: a.requestId!, decision: "approve" } });
    expect(approved.status).toBe("approved");
    expect(approved.awards.map((x) => x.points)).toEqual([50]);
    expect((await decideApproval({ ctx: p.team, input: { requestId: l.requestId!, decision: "reject" } })).status).toBe("rejected");
    await expect(decideApproval({ ctx: p.team, input: { requestId: a.requestId!, decision: "approve" } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(
      completeAction({ ctx: p.asMember(ana.id), input: { memberId: ana.id, rule: "Followed us on Instagram" } }),
    ).rejects.toMatchObject({ code: "LIMIT_REACHED" });
    expect(await listApprovals({ ctx: p.team })).toEqual([]);
  });
});
