// Registration: the one place a member becomes registered. Accepting an invitation, an admin
// converting a lead and a patient's first sign-in (with a card) all come here, so `member.registered`
// (the welcome reward) is raised once per member, whatever the door and however often it is retried.

import { members, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { type EventOutcome, emptyOutcome, processEvent } from "../events/process-event.ts";

/** The external id of a member's registration event: the pipeline records one id once. */
export const registrationEventId = (memberId: string) => `registered:${memberId}`;

/**
 * Marks the member registered and records `member.registered` through the pipeline, in the caller's
 * transaction. Only the transaction whose update flips `registered` records the event: a concurrent
 * caller waits for the row and then finds it registered (and the event id is recorded once besides).
 * Leads and merged records are never registered here (a lead registers when it is converted).
 */
export async function markRegistered(
  tx: Tx,
  ctx: Ctx,
  memberId: string,
  at: Date = new Date(),
): Promise<{ registered: boolean; outcome: EventOutcome }> {
  const [flipped] = await tx
    .update(members)
    .set({ registered: true, registeredAt: at, updatedAt: at })
    .where(
      and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId), eq(members.status, "member"), eq(members.registered, false)),
    )
    .returning({ id: members.id });
  if (!flipped) return { registered: false, outcome: emptyOutcome() };
  const recorded = await processEvent(tx, ctx, {
    id: registrationEventId(memberId),
    type: "member.registered",
    at: at.toISOString(),
    member: memberId,
  });
  return { registered: true, outcome: recorded };
}
