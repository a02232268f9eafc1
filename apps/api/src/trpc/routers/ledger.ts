// Points as staff see them: balance, history with the "why" of each line, manual adjustments.
import { adjustPoints, adjustPointsInput, getBalance, getBalanceInput, ledgerHistory, ledgerHistoryInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const ledgerRouter = router({
  balance: staffProcedure
    .meta({ action: "ledger.balance" })
    .input(getBalanceInput)
    .query(({ ctx, input }) => getBalance({ ctx: ctx.core, input })),
  history: staffProcedure
    .meta({ action: "ledger.history" })
    .input(ledgerHistoryInput)
    .query(({ ctx, input }) => ledgerHistory({ ctx: ctx.core, input })),
  adjust: staffProcedure
    .meta({ action: "ledger.adjustPoints" })
    .input(adjustPointsInput)
    .mutation(({ ctx, input }) => adjustPoints({ ctx: ctx.core, input })),
});
