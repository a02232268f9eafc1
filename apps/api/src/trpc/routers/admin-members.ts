// The admin member profile's tabs beyond what the members router gives: milestones with progress,
// coupons, orders, survey history, and taking the compliance survey for the patient.
import { submitSurvey, submitSurveyInput } from "@tally/core";
import { listSurveyResponses, listSurveyResponsesInput } from "../../../../../packages/core/src/engagement/list-survey-responses.ts";
import {
  memberCoupons,
  memberMilestones,
  memberOrders,
  memberOverviewInput,
} from "../../../../../packages/core/src/members/member-overview.ts";
import { router, staffProcedure } from "../init.ts";

export const adminMembersRouter = router({
  milestones: staffProcedure.input(memberOverviewInput).query(({ ctx, input }) => memberMilestones({ ctx: ctx.core, input })),
  coupons: staffProcedure.input(memberOverviewInput).query(({ ctx, input }) => memberCoupons({ ctx: ctx.core, input })),
  orders: staffProcedure.input(memberOverviewInput).query(({ ctx, input }) => memberOrders({ ctx: ctx.core, input })),
  surveys: staffProcedure.input(listSurveyResponsesInput).query(({ ctx, input }) => listSurveyResponses({ ctx: ctx.core, input })),
  submitSurvey: staffProcedure.input(submitSurveyInput).mutation(({ ctx, input }) => submitSurvey({ ctx: ctx.core, input })),
});
