// Invoice import history for the admin Imports page: each run with its counts and row errors.
// Uploads and their progress are POST / GET /api/v1/imports (see http/integrations.ts).
import { listImportRuns, listImportRunsInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const importsRouter = router({
  runs: staffProcedure
    .meta({ role: "admin" })
    .input(listImportRunsInput.optional())
    .query(({ ctx, input }) => listImportRuns({ ctx: ctx.core, input })),
});
