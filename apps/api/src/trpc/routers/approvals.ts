// The approvals queue for manual rewards: staff approve or reject what patients completed.
import { decideApproval, decideApprovalInput, listApprovals, listApprovalsInput, listManualRewards } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const approvalsRouter = router({
  list: staffProcedure.input(listApprovalsInput.optional()).query(({ ctx, input }) => listApprovals({ ctx: ctx.core, input })),
  decide: staffProcedure.input(decideApprovalInput).mutation(({ ctx, input }) => decideApproval({ ctx: ctx.core, input })),
  manualRewards: staffProcedure.query(({ ctx }) => listManualRewards({ ctx: ctx.core })),
});
