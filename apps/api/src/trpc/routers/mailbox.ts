// The dev mailbox: email that would have been sent, kept when no SMTP server is configured.
import { devMailbox } from "@tally/db";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

export const mailboxRouter = router({
  list: staffProcedure
    .meta({ role: "admin" })
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => ({
      transport: ctx.mailer.kind,
      messages: await ctx.core.db
        .select()
        .from(devMailbox)
        .where(eq(devMailbox.practiceId, ctx.core.practiceId))
        .orderBy(desc(devMailbox.createdAt))
        .limit(input.limit),
    })),
});
