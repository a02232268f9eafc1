// Inducement guardrails (SPEC 3): a member excluded from rewards (for example a government-program
// beneficiary) earns nothing and cannot redeem; their events are still recorded. Staff set it on
// the member's profile (or a patient import's "Excluded from rewards" column); who and when are
// kept on the member, and every change is audited.
import { members, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { findMember } from "./shared.ts";

export const setRewardExclusionInput = z.object({ memberId: z.uuid(), excluded: z.boolean() });

export async function setRewardExclusion({ ctx, input }: { ctx: Ctx; input: Input<typeof setRewardExclusionInput> }) {
  authorize(ctx, "members.setExclusion");
  const data = parseInput(setRewardExclusionInput, input);
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId, { lock: true });
    if (member.status === "merged") throw new DomainError("CONFLICT", "This member was merged into another record.");
    if (member.excludedFromRewards === data.excluded) return exclusionOf(member);
    await writeExclusion(tx, ctx, member.id, data.excluded);
    return exclusionOf({ ...member, ...exclusionFields(ctx, data.excluded) });
  });
}

const exclusionFields = (ctx: Ctx, excluded: boolean) => ({
  excludedFromRewards: excluded,
  excludedAt: excluded ? new Date() : null,
  excludedBy: excluded && ctx.actor.kind === "staff" ? ctx.actor.id : null,
});

/** Sets the flag with who and when, audited (`members.setExclusion`); the caller holds the member. */
export async function writeExclusion(tx: Tx, ctx: Ctx, memberId: string, excluded: boolean) {
  await tx
    .update(members)
    .set({ ...exclusionFields(ctx, excluded), updatedAt: new Date() })
    .where(and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId)));
  await audit(tx, ctx, { action: "members.setExclusion", targetType: "member", targetId: memberId, details: { excluded } });
}

export function exclusionOf(m: Pick<typeof members.$inferSelect, "excludedFromRewards" | "excludedAt" | "excludedBy">) {
  return { excluded: m.excludedFromRewards, excludedAt: m.excludedAt, excludedBy: m.excludedBy };
}
