// Manual rewards: a member says "I did it" (a pending request), staff approve or reject it.
import {
  completeAction,
  completeForMember,
  completeForMemberInput,
  decideApproval,
  decideApprovalInput,
  listApprovals,
  listApprovalsInput,
  listManualRewards,
} from "@tally/core";
import { z } from "zod";
import { memberProcedure, router, staffProcedure } from "../init.ts";

export const approvalsRouter = router({
  list: staffProcedure
    .meta({ action: "approvals.list" })
    .input(listApprovalsInput.optional())
    .query(({ ctx, input }) => listApprovals({ ctx: ctx.core, input })),
  decide: staffProcedure
    .meta({ action: "approvals.decide" })
    .input(decideApprovalInput)
    .mutation(({ ctx, input }) => decideApproval({ ctx: ctx.core, input })),
  manualRewards: staffProcedure.meta({ action: "approvals.completeAction" }).query(({ ctx }) => listManualRewards({ ctx: ctx.core })),
  /** A manual reward completed and approved at the desk on the patient's behalf. */
  completeForMember: staffProcedure
    .meta({ action: "approvals.completeForMember" })
    .input(completeForMemberInput)
    .mutation(({ ctx, input }) => completeForMember({ ctx: ctx.core, input })),
  /** The manual rewards a member can complete (prompt, points, confirmation). */
  actions: memberProcedure.query(({ ctx }) => listManualRewards({ ctx: ctx.core })),
  /** Records a pending request for staff to approve; returns the confirmation text. */
  completeAction: memberProcedure
    .input(z.object({ rule: z.string().min(1).max(200), response: z.string().trim().max(2000).default("") }))
    .mutation(({ ctx, input }) => completeAction({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
});
