// A member gives consent (e.g. full media consent): stored, and sent through the pipeline as
// `consent.given` so automatic rewards can fire.
import { consents } from "@tally/db";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { processEvent } from "../events/process-event.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { findMember } from "./shared.ts";

export const recordConsentInput = z.object({
  memberId: z.uuid(),
  kind: z.string().trim().min(1).max(100),
  full: z.boolean().default(true),
  at: z.coerce.date().optional(),
});

export async function recordConsent({ ctx, input }: { ctx: Ctx; input: Input<typeof recordConsentInput> }) {
  authorize(ctx, "members.recordConsent");
  const data = parseInput(recordConsentInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    const at = data.at ?? new Date();
    const [row] = await tx
      .insert(consents)
      .values({ practiceId: ctx.practiceId, memberId: data.memberId, kind: data.kind, full: data.full, givenAt: at })
      .returning();
    const outcome = await processEvent(tx, ctx, {
      id: `consent:${row!.id}`,
      type: "consent.given",
      at: at.toISOString(),
      member: data.memberId,
      consent: { kind: data.kind, full: data.full },
    });
    await audit(tx, ctx, {
      action: "members.recordConsent",
      targetType: "member",
      targetId: data.memberId,
      details: { kind: data.kind, full: data.full },
    });
    return { consentId: row!.id, awards: outcome.awards };
  });
}
