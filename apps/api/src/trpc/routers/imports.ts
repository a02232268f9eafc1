// Invoice import history for the admin Imports page: each run with its counts and row errors.
// Uploads and their progress are POST / GET /api/v1/imports (see http/integrations.ts).
import { listFailedJobs, listFailedJobsInput, listImportRuns, listImportRunsInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const importsRouter = router({
  runs: staffProcedure
    .meta({ action: "imports.invoices" })
    .input(listImportRunsInput.optional())
    .query(({ ctx, input }) => listImportRuns({ ctx: ctx.core, input })),
  /** Background jobs of the practice that failed for good (dead letters), with error and time. */
  failedJobs: staffProcedure
    .meta({ action: "audit.list" })
    .input(listFailedJobsInput.optional())
    .query(({ ctx, input }) => listFailedJobs({ ctx: ctx.core, input })),
});
