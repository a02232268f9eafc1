// Reports for the admin app: the dashboard (four figures, recent check-ins and unlocked instant
// rewards, a daily series), totals with dollar liability, redemptions by reward, top rules, CSV.
import {
  dailySeries,
  dashboardSummary,
  exportCsvInput,
  exportReportCsv,
  listShortfalls,
  membersPerTier,
  pointsReport,
  recentSeries,
  redemptionsByReward,
  reportInput,
  topRules,
} from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

export const reportsRouter = router({
  dashboard: staffProcedure.meta({ action: "reports.view" }).query(({ ctx }) => dashboardSummary({ ctx: ctx.core })),
  /** One row per local day for the last `days` days, today included. */
  series: staffProcedure
    .meta({ action: "reports.view" })
    .input(z.object({ days: z.number().int().min(7).max(366).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }) => recentSeries({ ctx: ctx.core, days: input.days })),
  overview: staffProcedure
    .meta({ action: "reports.view" })
    .input(reportInput)
    .query(async ({ ctx, input }) => {
      const [summary, daily, rewards, rules, tiers] = await Promise.all([
        pointsReport({ ctx: ctx.core, input }),
        dailySeries({ ctx: ctx.core, input }),
        redemptionsByReward({ ctx: ctx.core, input }),
        topRules({ ctx: ctx.core, input: { ...input, limit: 10 } }),
        // Members per tier as of now (null without tiers).
        membersPerTier({ ctx: ctx.core }),
      ]);
      return { summary, daily, rewards, rules, tiers };
    }),
  /** Members whose balance a reversal left below zero, with what they owe. */
  shortfalls: staffProcedure.meta({ action: "reports.view" }).query(({ ctx }) => listShortfalls({ ctx: ctx.core })),
  csv: staffProcedure
    .meta({ action: "reports.view" })
    .input(exportCsvInput)
    .query(({ ctx, input }) => exportReportCsv({ ctx: ctx.core, input })),
});
