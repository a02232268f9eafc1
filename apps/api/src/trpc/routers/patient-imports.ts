// Patient imports as the admin app runs them (the file itself is staged by POST
// /api/v1/patient-imports): the staged file with its preview, the dry run of a mapping, the import
// (claimed once, then run in this process; the page polls its progress), recent imports, and the
// merges imports suggested, for an admin to review.
import {
  dryRunPatientImport,
  getPatientImport,
  listMergeSuggestions,
  listMergeSuggestionsInput,
  listPatientImports,
  patientImportIdInput,
  patientImportProgress,
  resolveMergeSuggestion,
  resolveMergeSuggestionInput,
  runPatientImport,
  runPatientImportInput,
  startPatientImport,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const patientImportsRouter = router({
  get: staffProcedure
    .meta({ action: "members.import" })
    .input(patientImportIdInput)
    .query(({ ctx, input }) => getPatientImport({ ctx: ctx.core, input })),
  progress: staffProcedure
    .meta({ action: "members.import" })
    .input(patientImportIdInput)
    .query(({ ctx, input }) => patientImportProgress({ ctx: ctx.core, input })),
  list: staffProcedure.meta({ action: "members.import" }).query(({ ctx }) => listPatientImports({ ctx: ctx.core })),
  dryRun: staffProcedure
    .meta({ action: "members.import" })
    .input(runPatientImportInput)
    .mutation(({ ctx, input }) => dryRunPatientImport({ ctx: ctx.core, input })),
  /** Answers once the import is claimed; it runs on in this process (progress, then the result). */
  start: staffProcedure
    .meta({ action: "members.import" })
    .input(runPatientImportInput)
    .mutation(async ({ ctx, input }) => {
      const started = await startPatientImport({ ctx: ctx.core, input });
      const core = { ...ctx.core };
      runPatientImport(core, started.id).catch((err) => ctx.log.error({ err, patientImport: started.id }, "patient import failed"));
      return started;
    }),
  suggestions: staffProcedure
    .meta({ action: "members.reviewMerges" })
    .input(listMergeSuggestionsInput.optional())
    .query(({ ctx, input }) => listMergeSuggestions({ ctx: ctx.core, input })),
  resolveSuggestion: staffProcedure
    .meta({ action: "members.reviewMerges" })
    .input(resolveMergeSuggestionInput)
    .mutation(({ ctx, input }) => resolveMergeSuggestion({ ctx: ctx.core, input })),
});
