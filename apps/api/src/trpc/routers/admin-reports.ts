// Reports for the admin app: totals with dollar liability, per-day series, redemptions by reward,
// top rules, and CSV export of each.
import { dailySeries, exportCsvInput, exportReportCsv, pointsReport, redemptionsByReward, reportInput, topRules } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const adminReportsRouter = router({
  overview: staffProcedure.input(reportInput).query(async ({ ctx, input }) => {
    const [summary, daily, rewards, rules] = await Promise.all([
      pointsReport({ ctx: ctx.core, input }),
      dailySeries({ ctx: ctx.core, input }),
      redemptionsByReward({ ctx: ctx.core, input }),
      topRules({ ctx: ctx.core, input: { ...input, limit: 10 } }),
    ]);
    return { summary, daily, rewards, rules };
  }),
  csv: staffProcedure.input(exportCsvInput).query(({ ctx, input }) => exportReportCsv({ ctx: ctx.core, input })),
});
