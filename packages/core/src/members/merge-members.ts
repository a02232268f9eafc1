// Merging a duplicate into the member record that stays. Points move by appending a pair of
// entries (never by rewriting history); the engine state, coupons, pending requests, visits and
// consents follow; the duplicate stays as a hidden "merged" record pointing at the survivor.

import { actionRequests, checkIns, consents, issuedCoupons, memberEngineStates, memberPhases, members, type Tx } from "@tally/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { MemberState } from "../events/engine.ts";
import { appendEntries, lockBalances } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { normalizedTags } from "./create-member.ts";
import { findMember, publicMember } from "./shared.ts";

export const mergeMembersInput = z.object({
  /** The duplicate, which disappears. */
  sourceId: z.uuid(),
  /** The record that stays. */
  targetId: z.uuid(),
});

const addCounts = (a: Record<string, number>, b: Record<string, number>) => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/** Both histories as one member: counts add up, invoices (so a later void still reverses) join. */
export function mergeStates(target: MemberState | undefined, source: MemberState | undefined): MemberState | undefined {
  if (!source) return target;
  if (!target) return source;
  const milestones = { ...target.milestones };
  for (const [rule, s] of Object.entries(source.milestones)) {
    const t = milestones[rule];
    milestones[rule] = t ? { ...t, tally: t.tally + s.tally } : s;
  }
  return {
    ...target,
    paidInvoices: target.paidInvoices + source.paidInvoices,
    lifetimeSpend: target.lifetimeSpend + source.lifetimeSpend,
    basis: addCounts(target.basis, source.basis),
    settled: addCounts(target.settled, source.settled),
    invoices: { ...source.invoices, ...target.invoices },
    limits: addCounts(target.limits, source.limits),
    milestones,
    pending: [...target.pending, ...source.pending].sort((a, b) => a.at.localeCompare(b.at)),
  };
}

export async function mergeInto(tx: Tx, ctx: Ctx, sourceId: string, targetId: string) {
  if (sourceId === targetId) throw new DomainError("INVALID_INPUT", "A member cannot be merged into itself.");
  const source = await findMember(tx, ctx, sourceId, { lock: true });
  const target = await findMember(tx, ctx, targetId, { lock: true });
  if (source.status === "merged" || target.status === "merged")
    throw new DomainError("CONFLICT", "One of these records was already merged.");
  if (target.status !== "member") throw new DomainError("INVALID_INPUT", "Merge into a member, not a lead.");

  const balances = await lockBalances(tx, ctx.practiceId, [sourceId, targetId]);
  const moved = balances.get(sourceId) ?? 0;
  const now = new Date();
  if (moved !== 0) {
    await appendEntries(tx, ctx, [
      {
        memberId: sourceId,
        kind: "adjustment",
        points: -moved,
        idempotencyKey: `merge:${sourceId}:out`,
        at: now,
        note: "Merged into another record",
        explanation: { mergedInto: targetId },
      },
      {
        memberId: targetId,
        kind: "adjustment",
        points: moved,
        idempotencyKey: `merge:${sourceId}:in`,
        at: now,
        note: "Merged from a duplicate record",
        explanation: { mergedFrom: sourceId },
      },
    ]);
  }
  const states = await tx
    .select()
    .from(memberEngineStates)
    .where(and(eq(memberEngineStates.practiceId, ctx.practiceId), inArray(memberEngineStates.memberId, [sourceId, targetId])))
    .for("update");
  const stateOf = (id: string) => states.find((s) => s.memberId === id)?.state as MemberState | undefined;
  const merged = mergeStates(stateOf(targetId), stateOf(sourceId));
  if (merged) {
    await tx
      .insert(memberEngineStates)
      .values({ memberId: targetId, practiceId: ctx.practiceId, state: merged })
      .onConflictDoUpdate({ target: memberEngineStates.memberId, set: { state: merged, updatedAt: now } });
  }
  for (const table of [issuedCoupons, actionRequests, checkIns, consents] as const) {
    await tx
      .update(table)
      .set({ memberId: targetId })
      .where(and(eq(table.memberId, sourceId), eq(table.practiceId, ctx.practiceId)));
  }
  const phases = await tx.select().from(memberPhases).where(eq(memberPhases.memberId, sourceId));
  if (phases.length > 0)
    await tx
      .insert(memberPhases)
      .values(phases.map((p) => ({ ...p, memberId: targetId })))
      .onConflictDoNothing();

  // Identifiers move to the survivor when it has none, so imports and card swipes find it.
  await tx
    .update(members)
    .set({ status: "merged", mergedIntoId: targetId, cardNumber: null, externalId: null, updatedAt: now })
    .where(eq(members.id, sourceId));
  const [survivor] = await tx
    .update(members)
    .set({
      cardNumber: target.cardNumber ?? source.cardNumber,
      externalId: target.externalId ?? source.externalId,
      email: target.email ?? source.email,
      phone: target.phone ?? source.phone,
      birthday: target.birthday ?? source.birthday,
      tags: normalizedTags([...target.tags, ...source.tags]),
      registered: target.registered || source.registered,
      updatedAt: now,
    })
    .where(eq(members.id, targetId))
    .returning();
  return { member: publicMember(survivor!), pointsMoved: moved };
}

export async function mergeMembers({ ctx, input }: { ctx: Ctx; input: Input<typeof mergeMembersInput> }) {
  authorize(ctx, "members.merge");
  const { sourceId, targetId } = parseInput(mergeMembersInput, input);
  return inTx(ctx, async (tx) => {
    const result = await mergeInto(tx, ctx, sourceId, targetId);
    await audit(tx, ctx, {
      action: "members.merge",
      targetType: "member",
      targetId,
      details: { sourceId, pointsMoved: result.pointsMoved },
    });
    return result;
  });
}
