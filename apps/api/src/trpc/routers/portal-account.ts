// Portal account recovery: "forgot my password" sends a one-hour reset link by email; the link
// sets a new password. The answer never says whether an account exists.
import { z } from "zod";
import { requestPasswordReset, resetPassword } from "../../../../../packages/core/src/auth/password-reset.ts";
import { limitRate, publicProcedure, router } from "../init.ts";

export const portalAccountRouter = router({
  requestPasswordReset: publicProcedure
    .input(z.object({ practice: z.string().min(1).max(100), email: z.string().trim().min(3).max(254) }))
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "signIn");
      const reset = await requestPasswordReset(ctx.database.db, input, ctx.config.qrSecret);
      if (reset) {
        const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
        const link = `${base}/portal/reset-password?practice=${encodeURIComponent(input.practice)}&token=${encodeURIComponent(reset.token)}`;
        await ctx.mailer.send({
          practiceId: reset.practiceId,
          to: reset.email,
          subject: `Reset your ${reset.practiceName} rewards password`,
          text: `Hello ${reset.firstName},\n\nChoose a new password here (the link works for one hour):\n${link}\n\nIf you did not ask for this, ignore this email: your password stays the same.`,
        });
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
