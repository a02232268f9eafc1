// The practice's rule sets: check (diagnostics as you type), save a draft version, publish, list,
// backtest a draft (or a saved version) over the recorded events against the active version, and
// preview what publishing would change.
import {
  backtestInput,
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
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const rulesRouter = router({
  check: staffProcedure.input(checkRulesInput).mutation(({ ctx, input }) => checkRules({ ctx: ctx.core, input })),
  save: admin.input(saveRuleSetInput).mutation(({ ctx, input }) => saveRuleSet({ ctx: ctx.core, input })),
  publish: admin.input(publishRuleSetInput).mutation(({ ctx, input }) => publishRuleSet({ ctx: ctx.core, input })),
  versions: staffProcedure.query(({ ctx }) => listRuleSetVersions({ ctx: ctx.core })),
  version: staffProcedure.input(getRuleSetVersionInput).query(({ ctx, input }) => getRuleSetVersion({ ctx: ctx.core, input })),
  backtest: admin.input(backtestInput).mutation(({ ctx, input }) => runBacktest({ ctx: ctx.core, input })),
  /** What publishing a text or a saved version would change (rules, 90-day backtest cost) and whether to confirm. */
  publishPreview: admin.input(publishPreviewInput).mutation(({ ctx, input }) => publishPreview({ ctx: ctx.core, input })),
});
