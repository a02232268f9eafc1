// The practice's rule sets: check (diagnostics as you type), save a draft version, publish, list,
// backtest a draft (or a saved version) over the recorded events against the active version, and
// preview what publishing would change.
import {
  backtestInput,
  backtestMembers,
  backtestMembersInput,
  backtestProgress,
  backtestRunInput,
  cancelBacktest,
  checkRules,
  checkRulesInput,
  getRuleSetVersion,
  getRuleSetVersionInput,
  listRuleSetVersions,
  publishPreview,
  publishPreviewInput,
  publishRuleSet,
  publishRuleSetInput,
  runBacktest,
  saveRuleSet,
  saveRuleSetInput,
  startBacktest,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const rulesRouter = router({
  check: staffProcedure
    .meta({ action: "rules.getVersion" })
    .input(checkRulesInput)
    .mutation(({ ctx, input }) => checkRules({ ctx: ctx.core, input })),
  save: staffProcedure
    .meta({ action: "rules.save" })
    .input(saveRuleSetInput)
    .mutation(({ ctx, input }) => saveRuleSet({ ctx: ctx.core, input })),
  publish: staffProcedure
    .meta({ action: "rules.publish" })
    .input(publishRuleSetInput)
    .mutation(({ ctx, input }) => publishRuleSet({ ctx: ctx.core, input })),
  versions: staffProcedure.meta({ action: "rules.listVersions" }).query(({ ctx }) => listRuleSetVersions({ ctx: ctx.core })),
  version: staffProcedure
    .meta({ action: "rules.getVersion" })
    .input(getRuleSetVersionInput)
    .query(({ ctx, input }) => getRuleSetVersion({ ctx: ctx.core, input })),
  backtest: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(backtestInput)
    .mutation(({ ctx, input }) => runBacktest({ ctx: ctx.core, input })),
  /** A backtest run in the background (a worker thread): its id and progress; poll `backtestProgress`. */
  backtestStart: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(backtestInput)
    .mutation(({ ctx, input }) => startBacktest({ ctx: ctx.core, input })),
  /** Events applied of the total, and the answer once done. */
  backtestProgress: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(backtestRunInput)
    .query(({ ctx, input }) => backtestProgress({ ctx: ctx.core, input })),
  /** A page of a finished run's members, most points first. */
  backtestMembers: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(backtestMembersInput)
    .query(({ ctx, input }) => backtestMembers({ ctx: ctx.core, input })),
  backtestCancel: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(backtestRunInput)
    .mutation(({ ctx, input }) => cancelBacktest({ ctx: ctx.core, input })),
  /** What publishing a text or a saved version would change (rules, 90-day backtest cost) and whether to confirm. */
  publishPreview: staffProcedure
    .meta({ action: "rules.backtest" })
    .input(publishPreviewInput)
    .mutation(({ ctx, input }) => publishPreview({ ctx: ctx.core, input })),
});
