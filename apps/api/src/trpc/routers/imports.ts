// Invoice imports as the admin app sees them: recent runs with live progress (poll while an
// upload runs). Uploads themselves go to POST /api/v1/imports (see http/integrations.ts).
import { jobs } from "@tally/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });
const columns = {
  id: jobs.id,
  status: jobs.status,
  processed: jobs.processed,
  total: jobs.total,
  result: jobs.result,
  lastError: jobs.lastError,
  createdAt: jobs.createdAt,
  runAt: jobs.runAt,
  finishedAt: jobs.finishedAt,
};

export const importsRouter = router({
  list: admin.input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 })).query(({ ctx, input }) =>
    ctx.core.db
      .select(columns)
      .from(jobs)
      .where(and(eq(jobs.practiceId, ctx.core.practiceId), eq(jobs.queue, "import.invoices")))
      .orderBy(desc(jobs.createdAt))
      .limit(input.limit),
  ),
  get: admin.input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const [job] = await ctx.core.db
      .select(columns)
      .from(jobs)
      .where(and(eq(jobs.id, input.id), eq(jobs.practiceId, ctx.core.practiceId), eq(jobs.queue, "import.invoices")));
    return job ?? null;
  }),
});
