// Staff sign-in security and the access audit: the second step of a sign-in (a TOTP or recovery
// code), setting up and managing one's own second factor, the practice's rule of who must use one,
// an admin's reset of a team member's second factor, and the log of staff reads of member records.
import {
  completeStaffSignIn,
  confirmSecondFactorEnrolment,
  disableOwnSecondFactor,
  exportMemberAccessCsv,
  listMemberAccess,
  practiceMfaRule,
  regenerateRecoveryCodes,
  resetStaffSecondFactor,
  secondFactorKey,
  secondFactorStatus,
  setPracticeMfaRule,
  startSecondFactorEnrolment,
} from "@tally/core";
import { practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { staffCookie } from "../context.ts";
import { setSessionCookie } from "../cookies.ts";
import { limitRate, publicProcedure, router, staffProcedure } from "../init.ts";
import { sessionAnswer } from "../session-answer.ts";

const Code = z.string().trim().min(6).max(40);
const own = staffProcedure.meta({ action: "signed-in" });
/** What someone who must set up a second factor may still call (and someone with a temporary password). */
const enrolling = staffProcedure.meta({ action: "signed-in", allowEnrolment: true, allowPasswordChange: true });

export const securityRouter = router({
  /** The second step of a staff sign-in: the challenge the password step answered and a code. */
  completeSignIn: publicProcedure
    .input(z.object({ challenge: z.string().min(10).max(200), code: Code }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const result = await completeStaffSignIn(ctx.database.db, input, {
        policy: ctx.config.authPolicy,
        userAgent: ctx.req.headers.get("user-agent"),
        replaces: ctx.tokens.staff,
        key: secondFactorKey(ctx.config.qrSecret),
      });
      setSessionCookie(ctx, staffCookie, result.token, result.expiresAt);
      return sessionAnswer(ctx, result);
    }),

  /** One's own second factor: on or off, required or not, recovery codes left. */
  status: enrolling.query(({ ctx }) => secondFactorStatus(ctx.core)),

  /** A new secret and its otpauth:// URI (the admin app shows it as a QR code). */
  startEnrolment: enrolling.mutation(async ({ ctx }) => {
    const [practice] = await ctx.database.db.select({ name: practices.name }).from(practices).where(eq(practices.id, ctx.staff.practiceId));
    return startSecondFactorEnrolment(ctx.core, {
      key: secondFactorKey(ctx.config.qrSecret),
      issuer: practice ? `Tally (${practice.name})` : "Tally",
    });
  }),

  /** A code from the new secret turns it on; the recovery codes are answered this once. The
   *  user's other sessions end. */
  confirmEnrolment: enrolling
    .input(z.object({ code: Code }))
    .mutation(({ ctx, input }) =>
      confirmSecondFactorEnrolment(
        ctx.core,
        { code: input.code, sessionId: ctx.staff.sessionId },
        { key: secondFactorKey(ctx.config.qrSecret) },
      ),
    ),

  /** Ten new recovery codes (the old ones stop working); the user's other sessions end. */
  regenerateRecoveryCodes: own.mutation(({ ctx }) => regenerateRecoveryCodes(ctx.core, { sessionId: ctx.staff.sessionId })),

  /** Turns one's own second factor off where the practice does not require it (with the password). */
  disable: own
    .input(z.object({ password: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => disableOwnSecondFactor(ctx.core, { password: input.password, sessionId: ctx.staff.sessionId })),

  /** Who must use a second factor: admins (always) or everyone. */
  rule: enrolling.query(async ({ ctx }) => ({ mfaRequired: await practiceMfaRule(ctx.database.db, ctx.staff.practiceId) })),
  setRule: staffProcedure
    .meta({ action: "practices.updateSettings" })
    .input(z.object({ mfaRequired: z.enum(["admins", "everyone"]) }))
    .mutation(({ ctx, input }) => setPracticeMfaRule(ctx.core, input)),

  /** An admin resets a staff user's second factor (a lost phone); their sessions end. */
  resetStaff: staffProcedure
    .meta({ action: "staff.manage" })
    .input(z.object({ staffUserId: z.uuid() }))
    .mutation(({ ctx, input }) => resetStaffSecondFactor(ctx.core, input)),

  /** Staff reads of member records, per member or per staff user, newest first. */
  accessLog: staffProcedure
    .meta({ action: "audit.list" })
    .input(
      z.object({ memberId: z.uuid().optional(), staffUserId: z.uuid().optional(), limit: z.number().int().min(1).max(1000).optional() }),
    )
    .query(({ ctx, input }) => listMemberAccess(ctx.core, input)),

  /** The same as CSV (up to 50,000 rows). */
  accessLogCsv: staffProcedure
    .meta({ action: "audit.list" })
    .input(z.object({ memberId: z.uuid().optional(), staffUserId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => ({
      filename: `access-log-${input.memberId ? "member" : "staff"}-${new Date().toISOString().slice(0, 10)}.csv`,
      csv: await exportMemberAccessCsv(ctx.core, input),
    })),
});
