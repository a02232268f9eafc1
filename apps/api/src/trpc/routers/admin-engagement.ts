// Staff-side engagement management for the admin app: compliance survey questions, QR codes,
// referral campaigns and marketplace activities. Thin: validate, call the core verb.
import { z } from "zod";
import { listActivities, saveActivity, saveActivityInput } from "../../../../../packages/core/src/engagement/marketplace.ts";
import {
  createQrCode,
  createQrCodeInput,
  listQrCodes,
  setQrCodeActive,
  setQrCodeActiveInput,
} from "../../../../../packages/core/src/engagement/qr-codes.ts";
import {
  createCampaignInput,
  createReferralCampaign,
  inviteReferral,
  inviteReferralInput,
  listReferralCampaigns,
  listReferrals,
} from "../../../../../packages/core/src/engagement/referrals.ts";
import { listSurveyQuestions, saveSurveyQuestion, saveSurveyQuestionInput } from "../../../../../packages/core/src/engagement/surveys.ts";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const adminEngagementRouter = router({
  surveyQuestions: staffProcedure
    .input(z.object({ includeInactive: z.boolean().default(true) }).default({ includeInactive: true }))
    .query(({ ctx, input }) => listSurveyQuestions({ ctx: ctx.core, input })),
  saveSurveyQuestion: admin.input(saveSurveyQuestionInput).mutation(({ ctx, input }) => saveSurveyQuestion({ ctx: ctx.core, input })),
  qrCodes: admin.query(({ ctx }) => listQrCodes({ ctx: ctx.core })),
  createQrCode: admin.input(createQrCodeInput).mutation(({ ctx, input }) => createQrCode({ ctx: ctx.core, input })),
  setQrCodeActive: admin.input(setQrCodeActiveInput).mutation(({ ctx, input }) => setQrCodeActive({ ctx: ctx.core, input })),
  referralCampaigns: staffProcedure.query(({ ctx }) => listReferralCampaigns({ ctx: ctx.core })),
  createReferralCampaign: admin.input(createCampaignInput).mutation(({ ctx, input }) => createReferralCampaign({ ctx: ctx.core, input })),
  referrals: staffProcedure
    .input(z.object({ campaignId: z.uuid().optional() }).default({}))
    .query(({ ctx, input }) => listReferrals({ ctx: ctx.core, input })),
  /** An invitation link on behalf of a member (the referrer), e.g. for a patient at the desk. */
  inviteReferral: staffProcedure.input(inviteReferralInput).mutation(({ ctx, input }) => inviteReferral({ ctx: ctx.core, input })),
  activities: staffProcedure.query(({ ctx }) => listActivities({ ctx: ctx.core })),
  saveActivity: admin.input(saveActivityInput).mutation(({ ctx, input }) => saveActivity({ ctx: ctx.core, input })),
});
