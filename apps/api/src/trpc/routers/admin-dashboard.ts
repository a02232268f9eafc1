// The admin dashboard: four figures, recent check-ins and unlocked instant rewards, a 30-day series.
import { dailySeries } from "@tally/core";
import { z } from "zod";
import { dashboardSummary } from "../../../../../packages/core/src/reports/dashboard-summary.ts";
import { router, staffProcedure } from "../init.ts";

export const adminDashboardRouter = router({
  summary: staffProcedure.query(({ ctx }) => dashboardSummary({ ctx: ctx.core })),
  /** One row per local day for the last `days` days, today included. */
  series: staffProcedure
    .input(z.object({ days: z.number().int().min(7).max(366).default(30) }).default({ days: 30 }))
    .query(({ ctx, input }) => {
      const to = new Date();
      const from = new Date(to.getTime() - input.days * 86_400_000);
      return dailySeries({ ctx: ctx.core, input: { from, to } });
    }),
});
