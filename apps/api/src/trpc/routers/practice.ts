// The practice: what the apps show before anyone signs in, the settings admins manage (name,
// timezone, address, phone, logo, program status, description, point cost, the install's default
// practice), the facts a patient's pages need, and the first-run setup of an empty install.
import {
  completeSetup,
  completeSetupInput,
  findMember,
  getPractice,
  getPublicPractice,
  getPublicPracticeInput,
  installDefaultPractice,
  localizedProgramDescription,
  maxLogoUploadBytes,
  pointsDueOnSwitchOn,
  removeLogo,
  setDefaultPractice,
  setDefaultPracticeInput,
  setLogo,
  setupStatus,
  updateSettings,
  updateSettingsInput,
} from "@tally/core";
import { z } from "zod";
import { staffCookie } from "../context.ts";
import { setSessionCookie } from "../cookies.ts";
import { limitRate, memberProcedure, publicProcedure, router, staffProcedure } from "../init.ts";
import { requestedLocale } from "../locale.ts";
import { sessionAnswer } from "../session-answer.ts";

const maxLogoBase64 = Math.ceil(maxLogoUploadBytes / 3) * 4;
/** The body limit of practice.setLogo (app.ts): the base64 image and a little JSON around it. */
export const logoUploadJsonBytes = maxLogoBase64 + 4096;

export const practiceRouter = router({
  /** The visitor's language (x-locale or the locale cookie) gives the program description in it. */
  public: publicProcedure
    .input(getPublicPracticeInput)
    .query(({ ctx, input }) => getPublicPractice({ db: ctx.database.db, input, locale: requestedLocale(ctx.req) })),
  /** The practice the portal and kiosk open with when no link names one (null: not set up yet). */
  default: publicProcedure.query(({ ctx }) => installDefaultPractice(ctx.database.db)),
  get: staffProcedure.meta({ action: "practices.get" }).query(({ ctx }) => getPractice({ ctx: ctx.core })),
  updateSettings: staffProcedure
    .meta({ action: "practices.updateSettings" })
    .input(updateSettingsInput)
    .mutation(({ ctx, input }) => updateSettings({ ctx: ctx.core, input })),
  /** Points that would expire at once if the program, now off, were switched on (SPEC 7). */
  expiryOnSwitchOn: staffProcedure.meta({ action: "rules.publish" }).query(({ ctx }) => pointsDueOnSwitchOn({ ctx: ctx.core })),
  setLogo: staffProcedure
    .meta({ action: "practices.setLogo" })
    .input(z.object({ dataBase64: z.base64().max(maxLogoBase64, "The logo file is larger than 5 MB. Choose a smaller image.") }))
    .mutation(({ ctx, input }) => setLogo({ ctx: ctx.core, input: { data: Buffer.from(input.dataBase64, "base64") } })),
  removeLogo: staffProcedure.meta({ action: "practices.setLogo" }).mutation(({ ctx }) => removeLogo({ ctx: ctx.core })),
  setDefault: staffProcedure
    .meta({ action: "practices.setDefault" })
    .input(setDefaultPracticeInput)
    .mutation(({ ctx, input }) => setDefaultPractice({ ctx: ctx.core, input })),
  /** For the member's pages: the timezone to format dates, and what to show. */
  mine: memberProcedure.meta({ allowLead: true }).query(async ({ ctx }) => {
    const [p, me] = await Promise.all([getPractice({ ctx: ctx.core }), findMember(ctx.database.db, ctx.core, ctx.member.actor.id)]);
    return {
      /** Inducement guardrails: the portal hides the referral invitation, and shows an excluded member a notice instead of points. */
      referralRewards: p.referralRewards,
      excludedFromRewards: me.excludedFromRewards,
      name: p.name,
      slug: p.slug,
      timezone: p.timezone,
      status: p.status,
      programDescription: await localizedProgramDescription(ctx.database.db, p.id, p.programDescription, ctx.core.locale),
      logoUrl: p.logoUrl,
    };
  }),
  /** First run: whether the install still has no practice (the setup page is then open). */
  setupStatus: publicProcedure.query(({ ctx }) => setupStatus(ctx.database.db)),
  /** First run: with the token the server printed, creates the practice and its admin and signs them in. */
  completeSetup: publicProcedure.input(completeSetupInput).mutation(async ({ ctx, input }) => {
    limitRate(ctx, "signIn");
    const result = await completeSetup(ctx.database.db, input, {
      policy: ctx.config.authPolicy,
      userAgent: ctx.req.headers.get("user-agent"),
      replaces: ctx.tokens.staff,
    });
    setSessionCookie(ctx, staffCookie, result.token, result.expiresAt);
    return sessionAnswer(ctx, result);
  }),
});
