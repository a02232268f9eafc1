// The dev mailbox: email that would have been sent, kept when no SMTP server is configured.
import { listMailbox, listMailboxInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const mailboxRouter = router({
  list: staffProcedure
    .meta({ action: "notifications.mailbox" })
    .input(listMailboxInput.optional())
    .query(async ({ ctx, input }) => ({ transport: ctx.mailer.kind, messages: await listMailbox({ ctx: ctx.core, input }) })),
});
