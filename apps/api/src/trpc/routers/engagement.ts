// Engagement: compliance surveys, QR codes, referral campaigns, marketplace activities and
// reviews. Staff manage them; a signed-in patient takes part (the member is always the
// session's own: no member procedure takes a member id).
import {
  activityEntriesInput,
  createCampaignInput,
  createQrCode,
  createQrCodeInput,
  createReferralCampaign,
  drawWinner,
  drawWinnerInput,
  endCampaignInput,
  endReferralCampaign,
  getPractice,
  inviteReferral,
  inviteReferralInput,
  listActivities,
  listActivityEntries,
  listQrCodes,
  listReferralCampaigns,
  listReferrals,
  listReviews,
  listSurveyQuestions,
  listSurveyResponses,
  listSurveyResponsesInput,
  memberParticipations,
  participate,
  publicReviews,
  publishReview,
  publishReviewInput,
  saveActivity,
  saveActivityInput,
  saveSurveyQuestion,
  saveSurveyQuestionInput,
  scanQr,
  setQrCodeActive,
  setQrCodeActiveInput,
  submitReview,
  submitSurvey,
  submitSurveyInput,
  updateCampaignInput,
  updateReferralCampaign,
} from "@tally/core";
import { z } from "zod";
import { sendReferralInvite } from "../../messages/direct.ts";
import { memberProcedure, publicProcedure, router, staffProcedure } from "../init.ts";

export const engagementRouter = router({
  // Compliance survey.
  surveyQuestions: staffProcedure
    .meta({ action: "engagement.listSurveyQuestions" })
    .input(z.object({ includeInactive: z.boolean().default(true) }).default({ includeInactive: true }))
    .query(({ ctx, input }) => listSurveyQuestions({ ctx: ctx.core, input })),
  saveSurveyQuestion: staffProcedure
    .meta({ action: "engagement.manageSurvey" })
    .input(saveSurveyQuestionInput)
    .mutation(({ ctx, input }) => saveSurveyQuestion({ ctx: ctx.core, input })),
  /** A member's survey history (the admin profile's tab). */
  surveyResponses: staffProcedure
    .meta({ action: "members.get" })
    .input(listSurveyResponsesInput)
    .query(({ ctx, input }) => listSurveyResponses({ ctx: ctx.core, input })),
  /** Staff take the survey for the patient at the desk. */
  submitSurvey: staffProcedure
    .meta({ action: "engagement.submitSurvey" })
    .input(submitSurveyInput)
    .mutation(({ ctx, input }) => submitSurvey({ ctx: ctx.core, input })),

  // QR codes printed in the office.
  qrCodes: staffProcedure.meta({ action: "engagement.manageQrCodes" }).query(({ ctx }) => listQrCodes({ ctx: ctx.core })),
  createQrCode: staffProcedure
    .meta({ action: "engagement.manageQrCodes" })
    .input(createQrCodeInput)
    .mutation(({ ctx, input }) => createQrCode({ ctx: ctx.core, input })),
  setQrCodeActive: staffProcedure
    .meta({ action: "engagement.manageQrCodes" })
    .input(setQrCodeActiveInput)
    .mutation(({ ctx, input }) => setQrCodeActive({ ctx: ctx.core, input })),
  /** A patient scanned a code (portal /portal/scan/<token>): points once per member through
   *  the `qr.scanned` event; a second scan awards nothing and says so. */
  scanQrCode: memberProcedure.input(z.object({ token: z.string().trim().min(8).max(300) })).mutation(async ({ ctx, input }) => {
    const memberId = ctx.member.actor.id;
    const result = await scanQr({ ctx: ctx.core, input: { memberId, token: input.token } });
    const practice = await getPractice({ ctx: ctx.core });
    const points = result.awards.filter((a) => a.member === memberId).reduce((sum, a) => sum + a.points, 0);
    // In test mode patients see no points (SPEC: program status), so the number stays hidden too.
    return {
      code: result.code,
      firstScan: result.firstScan,
      points: practice.status === "test" ? null : points,
      programStatus: practice.status,
    };
  }),

  // Referrals.
  referralCampaigns: staffProcedure.meta({ action: "engagement.list" }).query(({ ctx }) => listReferralCampaigns({ ctx: ctx.core })),
  createReferralCampaign: staffProcedure
    .meta({ action: "engagement.manageReferrals" })
    .input(createCampaignInput)
    .mutation(({ ctx, input }) => createReferralCampaign({ ctx: ctx.core, input })),
  updateReferralCampaign: staffProcedure
    .meta({ action: "engagement.manageReferrals" })
    .input(updateCampaignInput)
    .mutation(({ ctx, input }) => updateReferralCampaign({ ctx: ctx.core, input })),
  /** Ends a campaign now: no new invitations (links already sent still convert). */
  endReferralCampaign: staffProcedure
    .meta({ action: "engagement.manageReferrals" })
    .input(endCampaignInput)
    .mutation(({ ctx, input }) => endReferralCampaign({ ctx: ctx.core, input })),
  referrals: staffProcedure
    .meta({ action: "engagement.list" })
    .input(z.object({ campaignId: z.uuid().optional() }).default({}))
    .query(({ ctx, input }) => listReferrals({ ctx: ctx.core, input })),
  /** An invitation link on behalf of a member (the referrer), e.g. for a patient at the desk. */
  inviteReferral: staffProcedure
    .meta({ action: "engagement.inviteReferral" })
    .input(inviteReferralInput)
    .mutation(({ ctx, input }) => inviteReferral({ ctx: ctx.core, input })),
  /** Active referral campaigns and the member's own referrals (without their tokens). */
  myReferrals: memberProcedure.query(async ({ ctx }) => {
    const [campaigns, referrals] = await Promise.all([listReferralCampaigns({ ctx: ctx.core }), listReferrals({ ctx: ctx.core })]);
    const titles = new Map(campaigns.map((c) => [c.id, c.title]));
    return {
      // Every campaign running today (its dates in the practice's calendar), oldest first.
      campaigns: campaigns
        .filter((c) => c.running)
        .reverse()
        .map((c) => ({ id: c.id, title: c.title, kind: c.kind, description: c.description, startsOn: c.startsOn, endsOn: c.endsOn })),
      referrals: referrals.map((r) => ({
        id: r.id,
        campaignId: r.campaignId,
        campaign: titles.get(r.campaignId) ?? "",
        inviteeName: r.inviteeName,
        inviteeEmail: r.inviteeEmail,
        status: r.status,
        createdAt: r.createdAt,
        convertedAt: r.convertedAt,
      })),
    };
  }),
  /** A member's personal invitation link; with an email, the invitation is also sent to the friend. */
  refer: memberProcedure
    .input(
      z.object({ campaignId: z.uuid(), inviteeName: z.string().trim().max(200).default(""), inviteeEmail: z.email().max(254).optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await inviteReferral({ ctx: ctx.core, input: { ...input, referrerId: ctx.member.actor.id } });
      const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
      const p = await getPractice({ ctx: ctx.core });
      const link = `${base}/portal/join/${created.token}?practice=${encodeURIComponent(p.slug)}`;
      if (input.inviteeEmail) {
        await sendReferralInvite(
          ctx,
          {
            practiceId: ctx.core.practiceId,
            memberId: ctx.member.actor.id,
            memberFirstName: ctx.member.firstName,
            to: input.inviteeEmail,
            inviteeName: input.inviteeName,
          },
          link,
        );
      }
      return { referralId: created.referralId, link, emailed: Boolean(input.inviteeEmail) };
    }),

  // Marketplace activities (contests, surveys, social posts).
  activities: staffProcedure.meta({ action: "engagement.list" }).query(({ ctx }) => listActivities({ ctx: ctx.core })),
  saveActivity: staffProcedure
    .meta({ action: "engagement.manageMarketplace" })
    .input(saveActivityInput)
    .mutation(({ ctx, input }) => saveActivity({ ctx: ctx.core, input })),
  /** An activity's entries for staff (who, what they sent, when) and the winner draws made. */
  entries: staffProcedure
    .meta({ action: "engagement.listEntries" })
    .input(activityEntriesInput)
    .query(({ ctx, input }) => listActivityEntries({ ctx: ctx.core, input })),
  /** Draw a winner (recorded with its seed), or replay a recorded draw from its seed. */
  drawWinner: staffProcedure
    .meta({ action: "engagement.drawWinner" })
    .input(drawWinnerInput)
    .mutation(({ ctx, input }) => drawWinner({ ctx: ctx.core, input })),
  /** The activities a member can take part in (or took part in), with when they did. */
  marketplace: memberProcedure.query(async ({ ctx }) => {
    const [activities, done] = await Promise.all([
      listActivities({ ctx: ctx.core }),
      memberParticipations({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } }),
    ]);
    const doneAt = new Map(done.map((d) => [d.activityId, d.at]));
    const now = Date.now();
    return activities
      .filter((a) => !a.endsAt || a.endsAt.getTime() > now || doneAt.has(a.id))
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        title: a.title,
        description: a.description,
        questions: a.questions,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        doneAt: doneAt.get(a.id) ?? null,
      }));
  }),
  participate: memberProcedure
    .input(
      z.object({
        activityId: z.uuid(),
        response: z.string().trim().max(5000).default(""),
        answers: z.array(z.string().trim().max(2000)).max(20).default([]),
      }),
    )
    .mutation(({ ctx, input }) => participate({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),

  // Reviews: members write them, staff publish (or hide) them.
  reviews: staffProcedure
    .meta({ action: "engagement.list" })
    .input(z.object({ status: z.enum(["submitted", "published", "hidden"]).optional() }).default({}))
    .query(({ ctx, input }) => listReviews({ ctx: ctx.core, input })),
  /** Published reviews, for the portal (a member sees only published ones). */
  publishedReviews: memberProcedure.meta({ allowLead: true }).query(({ ctx }) => listReviews({ ctx: ctx.core })),
  /** The practice's public review page: published reviews, no sign-in. */
  publicReviews: publicProcedure
    .input(z.object({ slug: z.string().trim().min(1).max(100) }))
    .query(async ({ ctx, input }) => (await publicReviews(ctx.database.db, input.slug)) ?? { practice: null, average: null, reviews: [] }),
  publishReview: staffProcedure
    .meta({ action: "engagement.publishReview" })
    .input(publishReviewInput)
    .mutation(({ ctx, input }) => publishReview({ ctx: ctx.core, input })),
  submitReview: memberProcedure
    .input(z.object({ rating: z.number().int().min(1).max(5), body: z.string().trim().max(5000).default("") }))
    .mutation(({ ctx, input }) => submitReview({ ctx: ctx.core, input: { ...input, platform: "tally", memberId: ctx.member.actor.id } })),
});
