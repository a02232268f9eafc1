// The dev mailbox: email that would have been sent, kept when no SMTP server is configured.
import { devMailbox } from "@tally/db";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";

export const listMailboxInput = z.object({ limit: z.number().int().min(1).max(200).default(50) });

/** The practice's newest kept messages first. */
export async function listMailbox({ ctx, input }: { ctx: Ctx; input?: Input<typeof listMailboxInput> }) {
  authorize(ctx, "notifications.mailbox");
  const { limit } = parseInput(listMailboxInput, input ?? {});
  return ctx.db.select().from(devMailbox).where(eq(devMailbox.practiceId, ctx.practiceId)).orderBy(desc(devMailbox.createdAt)).limit(limit);
}
