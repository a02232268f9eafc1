// Suggested merges (from patient imports: same email, or same phone and birth date) as staff review
// them: the open ones with both records side by side, "merge" (the existing merge machinery,
// mergeInto: points by appended entries, history kept) or "keep apart". Either way the pair is
// never suggested again; a PMS id the merge retires is remembered so later imports skip it.

import { members, mergeSuggestions } from "@tally/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { mergeInto } from "./merge-members.ts";

export const listMergeSuggestionsInput = z.object({ limit: z.number().int().min(1).max(500).default(100) });

const a = alias(members, "a");
const b = alias(members, "b");
const side = (m: typeof a | typeof b) => ({
  id: m.id,
  externalId: m.externalId,
  firstName: m.firstName,
  lastName: m.lastName,
  email: m.email,
  phone: m.phone,
  birthday: m.birthday,
  cardNumber: m.cardNumber,
  status: m.status,
  createdAt: m.createdAt,
});

/** Open suggestions whose two records both still exist unmerged, oldest first, and how many in all. */
export async function listMergeSuggestions({ ctx, input }: { ctx: Ctx; input?: Input<typeof listMergeSuggestionsInput> }) {
  authorize(ctx, "members.reviewMerges");
  const { limit } = parseInput(listMergeSuggestionsInput, input ?? {});
  const open = and(
    eq(mergeSuggestions.practiceId, ctx.practiceId),
    eq(mergeSuggestions.status, "open"),
    sql`${a.status} <> 'merged'`,
    sql`${b.status} <> 'merged'`,
  );
  const [rows, [count]] = await Promise.all([
    ctx.db
      .select({
        id: mergeSuggestions.id,
        reason: mergeSuggestions.reason,
        source: mergeSuggestions.source,
        row: mergeSuggestions.row,
        createdAt: mergeSuggestions.createdAt,
        member: side(a),
        other: side(b),
      })
      .from(mergeSuggestions)
      .innerJoin(a, and(eq(a.practiceId, mergeSuggestions.practiceId), eq(a.id, mergeSuggestions.memberId)))
      .innerJoin(b, and(eq(b.practiceId, mergeSuggestions.practiceId), eq(b.id, mergeSuggestions.otherId)))
      .where(open)
      .orderBy(asc(mergeSuggestions.createdAt), asc(mergeSuggestions.row))
      .limit(limit),
    ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(mergeSuggestions)
      .innerJoin(a, and(eq(a.practiceId, mergeSuggestions.practiceId), eq(a.id, mergeSuggestions.memberId)))
      .innerJoin(b, and(eq(b.practiceId, mergeSuggestions.practiceId), eq(b.id, mergeSuggestions.otherId)))
      .where(open),
  ]);
  return { total: count?.n ?? 0, suggestions: rows };
}

export const resolveMergeSuggestionInput = z.discriminatedUnion("decision", [
  /** Merge: `keepId` is the record that stays (either of the two); the other disappears into it. */
  z.object({ id: z.uuid(), decision: z.literal("merge"), keepId: z.uuid() }),
  /** Two people after all (a family, twins): never suggested again. */
  z.object({ id: z.uuid(), decision: z.literal("keep") }),
]);

export async function resolveMergeSuggestion({ ctx, input }: { ctx: Ctx; input: Input<typeof resolveMergeSuggestionInput> }) {
  authorize(ctx, "members.reviewMerges");
  const data = parseInput(resolveMergeSuggestionInput, input);
  return inTx(ctx, async (tx) => {
    const [s] = await tx
      .select()
      .from(mergeSuggestions)
      .where(and(eq(mergeSuggestions.id, data.id), eq(mergeSuggestions.practiceId, ctx.practiceId)))
      .for("update");
    if (!s) throw notFound("Suggestion");
    if (s.status !== "open") throw new DomainError("CONFLICT", "This suggestion was reviewed already.");
    const resolvedBy = ctx.actor.kind === "staff" ? ctx.actor.id : null;
    if (data.decision === "keep") {
      await tx
        .update(mergeSuggestions)
        .set({ status: "dismissed", resolvedBy, resolvedAt: new Date() })
        .where(eq(mergeSuggestions.id, s.id));
      await audit(tx, ctx, {
        action: "members.keepApart",
        targetType: "member",
        targetId: s.otherId,
        details: { memberId: s.memberId, reason: s.reason },
      });
      return { decision: "keep" as const };
    }
    if (data.keepId !== s.memberId && data.keepId !== s.otherId)
      throw new DomainError("INVALID_INPUT", "Keep one of the two records of the suggestion.");
    const sourceId = data.keepId === s.memberId ? s.otherId : s.memberId;
    const [source] = await tx.select({ externalId: members.externalId }).from(members).where(eq(members.id, sourceId));
    const result = await mergeInto(tx, ctx, sourceId, data.keepId);
    // The duplicate's PMS id, when the survivor kept its own: later imports skip rows with it.
    const retired = source?.externalId && result.member.externalId !== source.externalId ? source.externalId : null;
    await tx
      .update(mergeSuggestions)
      .set({ status: "merged", survivorId: data.keepId, retiredExternalId: retired, resolvedBy, resolvedAt: new Date() })
      .where(eq(mergeSuggestions.id, s.id));
    await audit(tx, ctx, {
      action: "members.merge",
      targetType: "member",
      targetId: data.keepId,
      details: { sourceId, pointsMoved: result.pointsMoved, suggestionId: s.id, retiredPmsId: retired },
    });
    return { decision: "merge" as const, member: result.member, pointsMoved: result.pointsMoved };
  });
}
