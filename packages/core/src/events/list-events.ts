// Recorded events of the practice, newest first, with what each produced.

import { events } from "@tally/db";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";

export const listEventsInput = z.object({
  memberId: z.uuid().optional(),
  type: z.string().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
});

export async function listEvents({ ctx, input }: { ctx: Ctx; input: Input<typeof listEventsInput> }) {
  authorize(ctx, "events.list");
  const q = parseInput(listEventsInput, input);
  const where: SQL[] = [eq(events.practiceId, ctx.practiceId)];
  if (q.memberId) where.push(eq(events.memberId, q.memberId));
  if (q.type) where.push(eq(events.type, q.type));
  if (q.from) where.push(gte(events.at, q.from));
  if (q.to) where.push(lt(events.at, q.to));
  return ctx.db
    .select()
    .from(events)
    .where(and(...where))
    .orderBy(desc(events.at))
    .limit(q.limit)
    .offset(q.offset);
}
