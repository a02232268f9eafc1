// Import history for the admin Imports page (the upload itself is POST /api/v1/imports).
import { listImportRuns, listImportRunsInput } from "../../../../../packages/core/src/imports/list-import-runs.ts";
import { router, staffProcedure } from "../init.ts";

export const adminImportsRouter = router({
  runs: staffProcedure
    .meta({ role: "admin" })
    .input(listImportRunsInput.optional())
    .query(({ ctx, input }) => listImportRuns({ ctx: ctx.core, input })),
});
