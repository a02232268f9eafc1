// Sign-in, sign-out and passwords for staff (admin app) and patients (portal). Each sign-in
// returns the session token too to server-side callers, so a SvelteKit form action can set the
// cookie on its own response; browsers get only the Set-Cookie header (session-answer.ts).

import {
  acceptInvitationAndSignIn,
  actionsFor,
  changeOwnPassword,
  registerLeadAndSignIn,
  requestPasswordReset,
  resetPassword,
  revokeAllSessions,
  revokeSessionToken,
  setMemberPassword,
  signInMember,
  signInStaff,
} from "@tally/core";
import { z } from "zod";
import { sendPasswordReset } from "../../messages/direct.ts";
import { memberCookie, staffCookie } from "../context.ts";
import { clearSessionCookie, setSessionCookie } from "../cookies.ts";
import { limitRate, memberProcedure, publicProcedure, router, staffProcedure } from "../init.ts";
import { sessionAnswer } from "../session-answer.ts";

const Email = z.string().trim().min(3).max(254);
const Password = z.string().min(1).max(200);
const Slug = z.string().min(1).max(100);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD");
const NewPassword = z.string().min(10).max(200);

const memberRouter = router({
  /** Email + password, or card number + date of birth. */
  signIn: publicProcedure
    .input(
      z.union([
        z.object({ practice: Slug.optional(), email: Email, password: Password }),
        z.object({ practice: Slug.optional(), cardNumber: z.string().trim().min(1).max(64), birthday: IsoDate }),
      ]),
    )
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const result = await signInMember(ctx.database.db, input, {
        policy: ctx.config.authPolicy,
        userAgent: ctx.req.headers.get("user-agent"),
        replaces: ctx.tokens.member,
      });
      setSessionCookie(ctx, memberCookie, result.token, result.expiresAt);
      return sessionAnswer(ctx, result);
    }),

  /** Accepting a personal invitation registers the member and signs them in. */
  acceptInvitation: publicProcedure
    .input(z.object({ practice: Slug, token: z.string().min(20).max(200), password: NewPassword }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const result = await acceptInvitationAndSignIn(ctx.database.db, input, {
        policy: ctx.config.authPolicy,
        replaces: ctx.tokens.member,
      });
      setSessionCookie(ctx, memberCookie, result.token, result.expiresAt);
      return sessionAnswer(ctx, result);
    }),

  /** Self-registration ("I never received a number or code"): a lead with limited access until
   *  the practice converts it, signed in right away. */
  register: publicProcedure
    .input(
      z.object({
        practice: Slug,
        firstName: z.string().trim().min(1).max(100),
        lastName: z.string().trim().min(1).max(100),
        email: z.email().max(254),
        phone: z.string().max(40).optional(),
        birthday: IsoDate.optional(),
        note: z.string().max(2000).optional(),
        /** The token of the friend's referral link; an unknown or used one is ignored. */
        referralToken: z.string().max(2000).optional(),
        password: NewPassword,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const result = await registerLeadAndSignIn(ctx.database.db, input, { policy: ctx.config.authPolicy, replaces: ctx.tokens.member });
      setSessionCookie(ctx, memberCookie, result.token, result.expiresAt);
      return sessionAnswer(ctx, result);
    }),

  me: memberProcedure.meta({ allowLead: true }).query(({ ctx }) => ({
    id: ctx.member.actor.id,
    firstName: ctx.member.firstName,
    status: ctx.member.status,
    practiceId: ctx.member.practiceId,
    expiresAt: ctx.member.expiresAt,
  })),

  setPassword: memberProcedure
    .input(z.object({ currentPassword: z.string().max(200).optional(), newPassword: NewPassword }))
    .mutation(({ ctx, input }) => setMemberPassword(ctx.core, { ...input, sessionId: ctx.member.sessionId })),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.tokens.member) await revokeSessionToken(ctx.database.db, ctx.tokens.member);
    clearSessionCookie(ctx, memberCookie);
    return { ok: true as const };
  }),

  /** "Forgot my password" sends a one-hour reset link by email; the link sets a new password.
   *  The answer never says whether an account exists. */
  requestPasswordReset: publicProcedure
    .input(z.object({ practice: z.string().min(1).max(100), email: z.string().trim().min(3).max(254) }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const reset = await requestPasswordReset(ctx.database.db, input, ctx.config.qrSecret);
      if (reset) {
        const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
        const link = `${base}/portal/reset-password?practice=${encodeURIComponent(input.practice)}&token=${encodeURIComponent(reset.token)}`;
        await sendPasswordReset(ctx, reset, link);
      }
      return { ok: true as const };
    }),

  resetPassword: publicProcedure
    .input(z.object({ token: z.string().min(10).max(400), password: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      await resetPassword(ctx.database.db, input, ctx.config.qrSecret);
      return { ok: true as const };
    }),
});

export const authRouter = router({
  /** Staff sign-in. `practice` (slug) is needed only when one email works at several practices. */
  signIn: publicProcedure
    .input(z.object({ email: Email, password: Password, practice: Slug.optional() }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const result = await signInStaff(ctx.database.db, input, {
        policy: ctx.config.authPolicy,
        userAgent: ctx.req.headers.get("user-agent"),
        replaces: ctx.tokens.staff,
      });
      // With a second factor the password opens no session yet: the answer is a challenge for
      // security.completeSignIn (it grants nothing without a code).
      if (result.secondFactorRequired) return result;
      setSessionCookie(ctx, staffCookie, result.token, result.expiresAt);
      return sessionAnswer(ctx, result);
    }),

  me: staffProcedure.meta({ action: "signed-in", allowPasswordChange: true, allowEnrolment: true }).query(({ ctx }) => ({
    id: ctx.staff.actor.id,
    name: ctx.staff.name,
    email: ctx.staff.email,
    role: ctx.staff.actor.role,
    practiceId: ctx.staff.practiceId,
    timezone: ctx.staff.practiceTimezone,
    mustChangePassword: ctx.staff.mustChangePassword,
    /** A second factor is required of this person and not set up yet (security.startEnrolment). */
    mustEnrol: ctx.staff.mustEnrol,
    expiresAt: ctx.staff.expiresAt,
    /** The actions this person's role may do (core permissions.ts): the admin app shows only these. */
    can: actionsFor(ctx.staff.actor.role),
  })),

  /** Required after a temporary password; other sessions of the user end. */
  changePassword: staffProcedure
    .meta({ action: "signed-in", allowPasswordChange: true, allowEnrolment: true })
    .input(z.object({ currentPassword: Password, newPassword: NewPassword }))
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.core, { ...input, sessionId: ctx.staff.sessionId })),

  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.tokens.staff) await revokeSessionToken(ctx.database.db, ctx.tokens.staff);
    clearSessionCookie(ctx, staffCookie);
    return { ok: true as const };
  }),

  signOutEverywhere: staffProcedure
    .meta({ action: "signed-in", allowPasswordChange: true, allowEnrolment: true })
    .mutation(async ({ ctx }) => {
      const ended = await revokeAllSessions(ctx.database.db, { staffUserId: ctx.staff.actor.id });
      clearSessionCookie(ctx, staffCookie);
      return { ended };
    }),

  member: memberRouter,
});
