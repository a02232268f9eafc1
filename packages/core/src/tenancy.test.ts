// Tenancy: every verb that takes an id refuses another practice's ids (NOT_FOUND), as if the
// row did not exist; lookups by card, token or code find nothing across practices.
import { mergeSuggestions } from "@tally/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAction, completeForMember, decideApproval } from "./approvals/approvals.ts";
import { createKioskPairing, setKioskQrReader, unlockKioskDevice } from "./auth/kiosk-devices.ts";
import { runBacktest } from "./backtest/backtest.ts";
import { listCoupons, useCoupon } from "./catalog/coupons.ts";
import { setEligibleItem, upsertEligibleItems } from "./catalog/eligible-items.ts";
import { createReward, deleteReward, updateReward } from "./catalog/rewards.ts";
import { checkIn } from "./checkin/check-in.ts";
import type { Ctx } from "./context.ts";
import { drawWinner, listActivityEntries, participate, saveActivity } from "./engagement/marketplace.ts";
import { createQrCode, scanQr, setQrCodeActive } from "./engagement/qr-codes.ts";
import {
  convertReferral,
  createReferralCampaign,
  endReferralCampaign,
  inviteReferral,
  updateReferralCampaign,
} from "./engagement/referrals.ts";
import { publishReview, submitReview } from "./engagement/reviews.ts";
import { saveSurveyQuestion, submitSurvey } from "./engagement/surveys.ts";
import { recordEvent } from "./events/record-event.ts";
import { adjustPoints } from "./ledger/adjust-points.ts";
import { getBalance, ledgerHistory } from "./ledger/balance.ts";
import { createMember } from "./members/create-member.ts";
import { eraseMember, exportMemberData } from "./members/data-requests.ts";
import { getMember } from "./members/get-member.ts";
import { acceptInvitation, createInvitation, recordFirstLogin } from "./members/invitations.ts";
import { convertLead, registerLead } from "./members/leads.ts";
import { findDuplicates, mergeMembers, mergePreview } from "./members/merge-members.ts";
import { resolveMergeSuggestion } from "./members/merge-suggestions.ts";
import { dryRunPatientImport, getPatientImport, stagePatientImport, startPatientImport } from "./members/patient-import-files.ts";
import { recordConsent } from "./members/record-consent.ts";
import { setRewardExclusion } from "./members/reward-exclusion.ts";
import { searchMembers } from "./members/search-members.ts";
import { connectCard, findMemberByCard, setTags, updateMember } from "./members/update-member.ts";
import { clearUndeliverable, enqueueMessage, getMessagePreferences, listMemberMessages, resendMessage } from "./messages/outbox.ts";
import { type Action, permissions } from "./permissions.ts";
import { createLocation, updateLocation } from "./practices/practices.ts";
import { cancelOrder, fulfilOrder } from "./redemption/orders.ts";
import { redeemReward } from "./redemption/redeem-reward.ts";
import { getRuleSetVersion, publishRuleSet, saveRuleSet } from "./rules/rule-sets.ts";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "./testing.ts";

const rules = `
reward "Followed us" manual {
  award 50 points
  prompt "Follow us"
}
reward "Friend referred" on referral.converted { award 10 points to referrer }
`;

describe("tenancy: no verb crosses practices", () => {
  let t: TestDatabase;
  let a: TestPractice;
  let b: TestPractice;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestDatabase();
    a = await makePractice(t);
    b = await makePractice(t);
    await saveRuleSet({ ctx: b.admin, input: { source: rules, publish: true } });
    ids.version = (await saveRuleSet({ ctx: a.admin, input: { source: rules, publish: true } })).id;
    const ana = await createMember({
      ctx: a.team,
      input: {
        firstName: "Ana",
        lastName: "Bell",
        email: "ana@a.test",
        cardNumber: "40000007",
        phone: "2175550101",
        birthday: "1990-01-01",
      },
    });
    ids.member = ana.id;
    ids.other = (await createMember({ ctx: a.team, input: { firstName: "Liam", lastName: "G" } })).id;
    ids.bMember = (await createMember({ ctx: b.team, input: { firstName: "Bo", lastName: "B", email: "bo@b.test" } })).id;
    ids.lead = (await registerLead({ ctx: a.system, input: { firstName: "L", lastName: "Ead", email: "lead@a.test" } })).id;
    ids.location = (await createLocation({ ctx: a.admin, input: { name: "Downtown" } })).id;
    ids.item = (await upsertEligibleItems({ ctx: a.admin, input: { items: [{ code: "CLEAN", name: "Cleaning" }] } })).items[0]!.id;
    await adjustPoints({ ctx: a.team, input: { memberId: ana.id, points: 500, note: "start" } });
    ids.reward = (await createReward({ ctx: a.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 10 } })).id;
    ids.couponReward = (
      await createReward({ ctx: a.admin, input: { kind: "coupon", name: "Ten off", pointsPrice: 10, couponCode: "ten-off" } })
    ).id;
    ids.order = (await redeemReward({ ctx: a.team, input: { memberId: ana.id, rewardId: ids.reward } })).orderId;
    ids.coupon = String((await redeemReward({ ctx: a.team, input: { memberId: ana.id, rewardId: ids.couponReward } })).fulfilment.couponId);
    ids.request = (await completeAction({ ctx: a.asMember(ana.id), input: { memberId: ana.id, rule: "Followed us" } })).requestId!;
    ids.question = (await saveSurveyQuestion({ ctx: a.admin, input: { text: "On time?" } })).id;
    const qr = await createQrCode({ ctx: a.admin, input: { code: "QR-A" } });
    ids.qr = qr.id;
    ids.qrToken = qr.token;
    ids.campaign = (await createReferralCampaign({ ctx: a.admin, input: { name: "spring" } })).id;
    ids.referralToken = (await inviteReferral({ ctx: a.team, input: { campaignId: ids.campaign, referrerId: ana.id } })).token;
    ids.activity = (await saveActivity({ ctx: a.admin, input: { kind: "contest", title: "Photo" } })).id;
    ids.review = (await submitReview({ ctx: a.asMember(ana.id), input: { memberId: ana.id, rating: 5 } })).review.id;
    ids.patientImport = (
      await stagePatientImport({ ctx: a.admin, input: { fileName: "p.csv", csv: "PMS ID,First Name,Last Name\nT-1,Tia,Two\n" } })
    ).id;
    const [suggestion] = await t.db
      .insert(mergeSuggestions)
      .values({ practiceId: a.id, memberId: ids.member, otherId: ids.other!, pairKey: "tenancy", reason: "email", source: "csv" })
      .returning();
    ids.suggestion = suggestion!.id;
    ids.device = (await createKioskPairing(a.admin, { name: "Front desk" })).deviceId;
    ids.invitationToken = (await createInvitation({ ctx: a.team, input: { memberId: ids.other, email: "liam@a.test" } })).token;
  });
  afterAll(() => t?.dispose());

  const cases: [string, (ctx: { admin: Ctx; team: Ctx; system: Ctx; kiosk: Ctx; member: Ctx }) => Promise<unknown>][] = [
    ["practices.updateLocation", (c) => updateLocation({ ctx: c.admin, input: { id: ids.location!, name: "X" } })],
    ["members.get", (c) => getMember({ ctx: c.team, input: { id: ids.member! } })],
    ["members.update", (c) => updateMember({ ctx: c.team, input: { id: ids.member!, firstName: "X" } })],
    ["members.setTags", (c) => setTags({ ctx: c.team, input: { id: ids.member!, add: ["x"] } })],
    ["members.setExclusion", (c) => setRewardExclusion({ ctx: c.team, input: { memberId: ids.member!, excluded: true } })],
    ["members.exportData", (c) => exportMemberData({ ctx: c.admin, input: { memberId: ids.member! } })],
    ["members.erase", (c) => eraseMember({ ctx: c.admin, input: { memberId: ids.member!, confirmLastName: "X" } })],
    ["members.connectCard", (c) => connectCard({ ctx: c.team, input: { id: ids.member!, card: "99990000" } })],
    ["members.recordConsent", (c) => recordConsent({ ctx: c.team, input: { memberId: ids.member!, kind: "media" } })],
    ["members.merge (source)", (c) => mergeMembers({ ctx: c.admin, input: { sourceId: ids.member!, targetId: ids.bMember! } })],
    ["members.merge (target)", (c) => mergeMembers({ ctx: c.admin, input: { sourceId: ids.bMember!, targetId: ids.member! } })],
    ["members.merge (preview)", (c) => mergePreview({ ctx: c.admin, input: { sourceId: ids.member!, targetId: ids.bMember! } })],
    ["members.findDuplicates", (c) => findDuplicates({ ctx: c.team, input: { memberId: ids.member! } })],
    ["members.import (get)", (c) => getPatientImport({ ctx: c.admin, input: { id: ids.patientImport! } })],
    [
      "members.import (dry run)",
      (c) =>
        dryRunPatientImport({
          ctx: c.admin,
          input: { id: ids.patientImport!, mapping: { pmsId: "PMS ID", firstName: "First Name", lastName: "Last Name" } },
        }),
    ],
    [
      "members.import (start)",
      (c) =>
        startPatientImport({
          ctx: c.admin,
          input: { id: ids.patientImport!, mapping: { pmsId: "PMS ID", firstName: "First Name", lastName: "Last Name" } },
        }),
    ],
    [
      "members.reviewMerges (merge)",
      (c) => resolveMergeSuggestion({ ctx: c.admin, input: { id: ids.suggestion!, decision: "merge", keepId: ids.member! } }),
    ],
    ["members.reviewMerges (keep)", (c) => resolveMergeSuggestion({ ctx: c.admin, input: { id: ids.suggestion!, decision: "keep" } })],
    ["members.convertLead", (c) => convertLead({ ctx: c.admin, input: { id: ids.lead! } })],
    ["members.createInvitation", (c) => createInvitation({ ctx: c.team, input: { memberId: ids.other! } })],
    [
      "members.acceptInvitation",
      (c) => acceptInvitation({ ctx: c.system, input: { token: ids.invitationToken!, password: "long enough password" } }),
    ],
    ["members.recordFirstLogin", (c) => recordFirstLogin({ ctx: c.system, input: { memberId: ids.member! } })],
    ["ledger.balance", (c) => getBalance({ ctx: c.team, input: { memberId: ids.member! } })],
    ["ledger.history", (c) => ledgerHistory({ ctx: c.team, input: { memberId: ids.member! } })],
    ["ledger.adjustPoints", (c) => adjustPoints({ ctx: c.team, input: { memberId: ids.member!, points: 5, note: "x" } })],
    ["rules.publish", (c) => publishRuleSet({ ctx: c.admin, input: { versionId: ids.version! } })],
    ["rules.getVersion", (c) => getRuleSetVersion({ ctx: c.team, input: { versionId: ids.version! } })],
    ["rules.backtest", (c) => runBacktest({ ctx: c.admin, input: { versionId: ids.version!, from: "2026-01-01", to: "2027-01-01" } })],
    [
      "events.record",
      (c) => recordEvent({ ctx: c.system, input: { id: "x1", type: "visit.checked_in", at: "2026-01-01T00:00:00Z", member: ids.member! } }),
    ],
    [
      "events.record (referrer)",
      (c) =>
        recordEvent({
          ctx: c.system,
          input: {
            id: "x2",
            type: "referral.converted",
            at: "2026-01-01T00:00:00Z",
            member: ids.bMember!,
            referral: { referrer: ids.member!, campaign: "x" },
          },
        }),
    ],
    ["catalog.setEligibleItem", (c) => setEligibleItem({ ctx: c.admin, input: { id: ids.item!, enabled: true } })],
    ["catalog.updateReward", (c) => updateReward({ ctx: c.admin, input: { id: ids.reward!, pointsPrice: 1 } })],
    ["catalog.deleteReward", (c) => deleteReward({ ctx: c.admin, input: { id: ids.reward! } })],
    ["redemption.redeem (member)", (c) => redeemReward({ ctx: c.team, input: { memberId: ids.member!, rewardId: ids.reward! } })],
    ["redemption.redeem (reward)", (c) => redeemReward({ ctx: c.team, input: { memberId: ids.bMember!, rewardId: ids.reward! } })],
    ["redemption.fulfilOrder", (c) => fulfilOrder({ ctx: c.team, input: { orderId: ids.order! } })],
    ["redemption.cancelOrder", (c) => cancelOrder({ ctx: c.team, input: { orderId: ids.order!, reason: "x" } })],
    ["coupons.list", (c) => listCoupons({ ctx: c.team, input: { memberId: ids.member! } })],
    ["coupons.use", (c) => useCoupon({ ctx: c.team, input: { couponId: ids.coupon! } })],
    ["approvals.completeAction", (c) => completeAction({ ctx: c.team, input: { memberId: ids.member!, rule: "Followed us" } })],
    ["approvals.completeForMember", (c) => completeForMember({ ctx: c.team, input: { memberId: ids.member!, rule: "Followed us" } })],
    ["approvals.decide", (c) => decideApproval({ ctx: c.team, input: { requestId: ids.request!, decision: "approve" } })],
    ["engagement.saveSurveyQuestion", (c) => saveSurveyQuestion({ ctx: c.admin, input: { id: ids.question!, text: "X" } })],
    [
      "engagement.submitSurvey (member)",
      (c) => submitSurvey({ ctx: c.team, input: { memberId: ids.member!, answers: [{ questionId: ids.question!, positive: true }] } }),
    ],
    [
      "engagement.submitSurvey (question)",
      (c) => submitSurvey({ ctx: c.team, input: { memberId: ids.bMember!, answers: [{ questionId: ids.question!, positive: true }] } }),
    ],
    ["engagement.setQrCodeActive", (c) => setQrCodeActive({ ctx: c.admin, input: { id: ids.qr!, active: false } })],
    ["engagement.scanQr (member)", (c) => scanQr({ ctx: c.team, input: { memberId: ids.member!, token: ids.qrToken! } })],
    ["engagement.scanQr (token)", (c) => scanQr({ ctx: c.team, input: { memberId: ids.bMember!, token: ids.qrToken! } })],
    [
      "engagement.inviteReferral (campaign)",
      (c) => inviteReferral({ ctx: c.team, input: { campaignId: ids.campaign!, referrerId: ids.bMember! } }),
    ],
    [
      "engagement.inviteReferral (referrer)",
      (c) => inviteReferral({ ctx: c.team, input: { campaignId: ids.campaign!, referrerId: ids.member! } }),
    ],
    [
      "engagement.convertReferral (token)",
      (c) => convertReferral({ ctx: c.team, input: { token: ids.referralToken!, memberId: ids.bMember! } }),
    ],
    ["engagement.saveActivity", (c) => saveActivity({ ctx: c.admin, input: { id: ids.activity!, kind: "contest", title: "X" } })],
    [
      "engagement.participate (activity)",
      (c) => participate({ ctx: c.system, input: { memberId: ids.bMember!, activityId: ids.activity! } }),
    ],
    ["engagement.participate (member)", (c) => participate({ ctx: c.system, input: { memberId: ids.member!, activityId: ids.activity! } })],
    ["engagement.submitReview", (c) => submitReview({ ctx: c.system, input: { memberId: ids.member!, rating: 5 } })],
    ["engagement.publishReview", (c) => publishReview({ ctx: c.team, input: { id: ids.review! } })],
    ["engagement.listEntries", (c) => listActivityEntries({ ctx: c.team, input: { activityId: ids.activity! } })],
    ["engagement.drawWinner", (c) => drawWinner({ ctx: c.admin, input: { activityId: ids.activity! } })],
    ["kiosks.unlockDevice", (c) => unlockKioskDevice(c.admin, { deviceId: ids.device! })],
    ["kiosks.setQrReader", (c) => setKioskQrReader(c.admin, { deviceId: ids.device!, qrReader: "camera" })],
    [
      "engagement.manageReferrals (update)",
      (c) => updateReferralCampaign({ ctx: c.admin, input: { id: ids.campaign!, description: "x" } }),
    ],
    ["engagement.manageReferrals (end)", (c) => endReferralCampaign({ ctx: c.admin, input: { id: ids.campaign! } })],
    ["messages.list", (c) => listMemberMessages({ ctx: c.team, input: { memberId: ids.member! } })],
    ["messages.preferences", (c) => getMessagePreferences({ ctx: c.team, input: { memberId: ids.member! } })],
    [
      "messages.resend",
      async (c) => {
        const sent = await enqueueMessage(t.db, {
          practiceId: a.id,
          memberId: ids.member!,
          kind: "invitation",
          channel: "email",
          subjectKey: "tenancy",
          to: "ana@a.test",
          title: "Invitation",
        });
        return resendMessage({ ctx: c.team, input: { messageId: sent.id } });
      },
    ],
    [
      "messages.resend (clear undeliverable)",
      (c) => clearUndeliverable({ ctx: c.team, input: { memberId: ids.member!, channel: "email" } }),
    ],
    ["checkin.checkIn (staff)", (c) => checkIn({ ctx: c.team, input: { method: "staff", memberId: ids.member! } })],
    ["checkin.checkIn (card)", (c) => checkIn({ ctx: c.kiosk, input: { method: "card", card: "40000007" } })],
    ["checkin.checkIn (phone)", (c) => checkIn({ ctx: c.kiosk, input: { method: "phone", phone: "2175550101", birthday: "1990-01-01" } })],
    ["checkin.checkIn (qr)", (c) => checkIn({ ctx: c.kiosk, input: { method: "qr", code: `tally:member:${ids.member}` } })],
  ];

  for (const [name, call] of cases) {
    it(`${name} refuses practice A's ids from practice B`, async () => {
      const ctx = { admin: b.admin, team: b.team, system: b.system, kiosk: b.kiosk, member: b.asMember(ids.bMember!) };
      await expect(call(ctx)).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  }

  // Every action is either called above with practice A's ids, or takes no id of a tenant-owned
  // row (it works on the caller's practice only). A new action must be placed in one or the other.
  const noForeignIds: Record<string, string> = {
    "practices.get": "the caller's practice",
    "practices.updateSettings": "the caller's practice",
    "practices.setLogo": "the caller's practice's logo",
    "practices.setDefault": "makes the caller's practice the install's default (or not)",
    "practices.create": "the operator's CLI creates a new practice (system actor only)",
    "practices.createLocation": "creates in the caller's practice",
    "practices.listLocations": "lists the caller's practice",
    "staff.list": "lists the caller's practice",
    "staff.manage": "an action of the API's procedures (their ids through every procedure: apps/api trpc/security/)",
    "apiKeys.manage": "an action of the API's procedures (their ids through every procedure: apps/api trpc/security/)",
    "webhooks.manage": "an action of the API's procedures (their ids through every procedure: apps/api trpc/security/)",
    "kiosks.manage": "an action of the API's procedures (their ids through every procedure: apps/api trpc/security/)",
    "messages.settings": "the caller's practice's delivery settings",
    "audit.list": "lists the caller's practice",
    "members.create": "creates in the caller's practice",
    "members.search": "covered by the lookup test below",
    "members.listTags": "lists the caller's practice",
    "members.findByCard": "covered by the lookup test below",
    "members.registerLead": "creates in the caller's practice",
    "members.listLeads": "lists the caller's practice",
    "members.listBirthdays": "lists the caller's practice",
    "members.runBirthdays": "a job over the caller's practice",
    "rules.save": "creates a version in the caller's practice",
    "rules.listVersions": "lists the caller's practice",
    "events.list": "lists the caller's practice",
    "catalog.upsertEligibleItems": "by code, in the caller's practice",
    "catalog.enableAllEligibleItems": "the caller's practice",
    "catalog.listEligibleItems": "lists the caller's practice",
    "catalog.createReward": "creates in the caller's practice",
    "catalog.listRewards": "lists the caller's practice",
    "i18n.setTranslations": "a reward or question of another practice is not found (i18n/translations.test.ts)",
    "i18n.listTranslations": "lists the caller's practice",
    "redemption.listOrders": "lists the caller's practice",
    "coupons.expire": "a job over the caller's practice",
    "approvals.list": "lists the caller's practice",
    "engagement.listSurveyQuestions": "lists the caller's practice",
    "engagement.manageReferrals": "creates campaigns by name in the caller's practice (editing and ending by id are called above)",
    "engagement.list": "lists the caller's practice",
    "reports.view": "the caller's practice",
    "notifications.mailbox": "lists the caller's practice",
    "imports.invoices": "rows name members by external id, within the caller's practice (imports/ tests)",
  };
  it("every action is either called with another practice's ids or takes none", () => {
    const called = new Set(cases.map(([name]) => name.split(" ")[0]));
    // Verbs whose test name is not their action's name.
    const aliases: Record<string, Action> = {
      "engagement.saveSurveyQuestion": "engagement.manageSurvey",
      "engagement.setQrCodeActive": "engagement.manageQrCodes",
      "engagement.saveActivity": "engagement.manageMarketplace",
    };
    for (const [name, action] of Object.entries(aliases)) if (called.has(name)) called.add(action);
    const unplaced = (Object.keys(permissions) as Action[]).filter((a) => !called.has(a) && !(a in noForeignIds));
    expect(unplaced).toEqual([]);
  });

  it("lookups and lists in practice B see none of practice A", async () => {
    expect(await findMemberByCard({ ctx: b.kiosk, input: { card: "40000007" } })).toBeNull();
    expect((await searchMembers({ ctx: b.team, input: { q: "ana" } })).items).toEqual([]);
  });

  it("and practice A still has everything untouched", async () => {
    expect((await getMember({ ctx: a.team, input: { id: ids.member! } })).member.firstName).toBe("Ana");
    expect((await getBalance({ ctx: a.team, input: { memberId: ids.member! } })).balance).toBe(480);
  });
});
