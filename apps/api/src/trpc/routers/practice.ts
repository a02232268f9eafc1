// The practice: what the apps show before anyone signs in, the program settings staff manage
// (status on/off/test, description, point cost), and the facts a patient's pages need.
import { getPractice, getPublicPractice, getPublicPracticeInput, updateSettings, updateSettingsInput } from "@tally/core";
import { memberProcedure, publicProcedure, router, staffProcedure } from "../init.ts";

export const practiceRouter = router({
  public: publicProcedure.input(getPublicPracticeInput).query(({ ctx, input }) => getPublicPractice({ db: ctx.database.db, input })),
  get: staffProcedure.query(({ ctx }) => getPractice({ ctx: ctx.core })),
  updateSettings: staffProcedure
    .meta({ role: "admin" })
    .input(updateSettingsInput)
    .mutation(({ ctx, input }) => updateSettings({ ctx: ctx.core, input })),
  /** For the member's pages: the timezone to format dates, and what to show. */
  mine: memberProcedure.meta({ allowLead: true }).query(async ({ ctx }) => {
    const p = await getPractice({ ctx: ctx.core });
    return { name: p.name, slug: p.slug, timezone: p.timezone, status: p.status, programDescription: p.programDescription };
  }),
});
