// Merging a duplicate into the member record that stays. Points move by appending a pair of
// entries (never by rewriting history); the engine state, coupons, orders, surveys, pending
// requests, visits and consents follow; the duplicate stays as a hidden "merged" record pointing
// at the survivor. Its PMS id moves to the survivor when the survivor has none; otherwise the
// merged record keeps it, so a later patient or invoice import of that id finds the survivor
// (resolveByPmsIds). Concurrent events on either member queue on the balance locks the merge
// holds and, once it commits, are refused for the merged record (never applied to it unseen).

import {
  actionRequests,
  checkIns,
  consents,
  issuedCoupons,
  ledgerEntries,
  memberBalances,
  memberEngineStates,
  memberPhases,
  members,
  orders,
  surveyResponses,
  type Tx,
} from "@tally/db";
import { mergeMemberStates } from "@tally/rules";
import { and, asc, count, eq, inArray, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { MemberState } from "../events/engine.ts";
import {
  allCounters,
  allInvoices,
  allMarks,
  deleteCounters,
  deleteInvoices,
  deleteMarks,
  loadMemberStates,
  storedState,
  upsertCounters,
  upsertInvoices,
  upsertMarks,
} from "../events/member-states.ts";
import { loadSetup } from "../events/program.ts";
import { nextExpiryAt } from "../events/record-events.ts";
import { appendEntries, lockBalances } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { normalizedTags } from "./create-member.ts";
import { findMember, publicMember } from "./shared.ts";

export const mergeMembersInput = z.object({
  /** The duplicate, which disappears. */
  sourceId: z.uuid(),
  /** The record that stays. */
  targetId: z.uuid(),
});

/**
 * Both histories as one member (@tally/rules' mergeMemberStates): counts add up, invoices join (a
 * later void still reverses), and both members' lots keep their expiries (SPEC 7).
 */
export function mergeStates(target: MemberState | undefined, source: MemberState | undefined): MemberState | undefined {
  if (!source) return target;
  if (!target) return source;
  return mergeMemberStates(target, source);
}

export async function mergeInto(tx: Tx, ctx: Ctx, sourceId: string, targetId: string) {
  if (sourceId === targetId) throw new DomainError("INVALID_INPUT", "A member cannot be merged into itself.");
  // Both rows locked in id order (two merges of the same pair queue instead of deadlocking), as
  // FOR NO KEY UPDATE: an event of these members that holds its balance lock may still insert rows
  // referencing them (a foreign key's KEY SHARE), so it finishes and the merge takes the balances.
  const rows = await tx
    .select()
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, [sourceId, targetId])))
    .orderBy(asc(members.id))
    .for("no key update");
  const source = rows.find((m) => m.id === sourceId);
  const target = rows.find((m) => m.id === targetId);
  if (!source || !target) throw notFound("Member");
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
  // Both states with every invoice record, counter and tier mark (the source's move to the survivor, whose record wins on the same invoice id).
  const { states } = await loadMemberStates(tx, ctx.practiceId, [sourceId, targetId], { all: true, forUpdate: true });
  const merged = mergeStates(states.get(targetId), states.get(sourceId));
  if (merged) {
    // The sweep's index follows the merged lots (the earliest of both members' expiries).
    const nextExpiry = nextExpiryAt((await loadSetup(tx, ctx.practiceId)).program, merged);
    await tx
      .insert(memberEngineStates)
      .values({ memberId: targetId, practiceId: ctx.practiceId, state: storedState(merged), nextExpiryAt: nextExpiry })
      .onConflictDoUpdate({
        target: [memberEngineStates.practiceId, memberEngineStates.memberId],
        set: { state: storedState(merged), nextExpiryAt: nextExpiry, updatedAt: now },
      });
    await deleteInvoices(tx, ctx.practiceId, [sourceId]);
    const invoices = allInvoices([{ memberId: targetId, state: merged }]);
    for (let i = 0; i < invoices.length; i += 2000) await tx.execute(upsertInvoices(ctx, invoices.slice(i, i + 2000)));
    // The counters of past periods, added up (mergeStates): the survivor's rows are written again.
    await deleteCounters(tx, ctx.practiceId, [sourceId, targetId]);
    const counters = allCounters([{ memberId: targetId, state: merged }]);
    for (let i = 0; i < counters.length; i += 2000) await tx.execute(upsertCounters(ctx, counters.slice(i, i + 2000)));
    // The tier marks of both, in one list (mergeStates): the survivor's rows are written again.
    await deleteMarks(tx, ctx.practiceId, [sourceId, targetId]);
    const marks = allMarks([{ memberId: targetId, state: merged }]);
    for (let i = 0; i < marks.length; i += 2000) await tx.execute(upsertMarks(ctx, marks.slice(i, i + 2000)));
    // The duplicate's lots now live on the survivor: nothing of the merged record is swept.
    await tx.update(memberEngineStates).set({ nextExpiryAt: null }).where(eq(memberEngineStates.memberId, sourceId));
  }
  for (const table of [issuedCoupons, actionRequests, checkIns, consents, orders, surveyResponses] as const) {
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

  // Identifiers move to the survivor when it has none, so imports and card swipes find it; a PMS id
  // the survivor cannot take stays on the merged record, which points at the survivor.
  const pmsMoves = !target.externalId && !!source.externalId;
  await tx
    .update(members)
    .set({
      status: "merged",
      mergedIntoId: targetId,
      cardNumber: null,
      externalId: pmsMoves ? null : source.externalId,
      updatedAt: now,
    })
    .where(eq(members.id, sourceId));
  // Records merged into the duplicate before now point at the survivor (one hop, always).
  await tx
    .update(members)
    .set({ mergedIntoId: targetId, updatedAt: now })
    .where(and(eq(members.practiceId, ctx.practiceId), eq(members.mergedIntoId, sourceId)));
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
  return {
    member: publicMember(survivor!),
    pointsMoved: moved,
    /** The duplicate's PMS id when it stays on the merged record (leading to the survivor). */
    aliasPmsId: pmsMoves ? null : source.externalId,
  };
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
      details: { sourceId, pointsMoved: result.pointsMoved, aliasPmsId: result.aliasPmsId },
    });
    return result;
  });
}

export const findDuplicatesInput = z.object({ memberId: z.uuid() });

/** Members who may be the same person: the same name and birth date, or the same phone. */
export async function findDuplicates({ ctx, input }: { ctx: Ctx; input: Input<typeof findDuplicatesInput> }) {
  authorize(ctx, "members.findDuplicates");
  const { memberId } = parseInput(findDuplicatesInput, input);
  const m = await findMember(ctx.db, ctx, memberId);
  if (m.status === "merged") return [];
  const sameName = and(
    sql`lower(${members.firstName}) = ${m.firstName.toLowerCase()}`,
    sql`lower(${members.lastName}) = ${m.lastName.toLowerCase()}`,
    eq(members.birthday, m.birthday ?? ""),
  );
  const matches = [m.birthday ? sameName : undefined, m.phone ? eq(members.phone, m.phone) : undefined].filter(Boolean);
  if (matches.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), ne(members.id, m.id), ne(members.status, "merged"), or(...matches)))
    .orderBy(asc(members.createdAt))
    .limit(20);
  return rows.map((d) => {
    const reasons: string[] = [];
    if (
      m.birthday &&
      d.birthday === m.birthday &&
      d.firstName.toLowerCase() === m.firstName.toLowerCase() &&
      d.lastName.toLowerCase() === m.lastName.toLowerCase()
    )
      reasons.push("same name and birth date");
    if (m.phone && d.phone === m.phone) reasons.push("same phone");
    return { ...publicMember(d), reasons };
  });
}

export const mergePreviewInput = mergeMembersInput;

/** What a merge will combine, for the confirm step: each record's points, history and identifiers. */
export async function mergePreview({ ctx, input }: { ctx: Ctx; input: Input<typeof mergePreviewInput> }) {
  authorize(ctx, "members.merge");
  const { sourceId, targetId } = parseInput(mergePreviewInput, input);
  if (sourceId === targetId) throw new DomainError("INVALID_INPUT", "A member cannot be merged into itself.");
  const [source, target] = [await findMember(ctx.db, ctx, sourceId), await findMember(ctx.db, ctx, targetId)];
  if (source.status === "merged" || target.status === "merged")
    throw new DomainError("CONFLICT", "One of these records was already merged.");
  const ids = [sourceId, targetId];
  const countBy = async (table: typeof ledgerEntries | typeof checkIns | typeof orders | typeof surveyResponses) => {
    const rows = await ctx.db
      .select({ memberId: table.memberId, n: count() })
      .from(table)
      .where(and(eq(table.practiceId, ctx.practiceId), inArray(table.memberId, ids)))
      .groupBy(table.memberId);
    return (id: string) => rows.find((r) => r.memberId === id)?.n ?? 0;
  };
  const [lines, visits, orderCount, surveys] = await Promise.all([
    countBy(ledgerEntries),
    countBy(checkIns),
    countBy(orders),
    countBy(surveyResponses),
  ]);
  const coupons = await ctx.db
    .select({ memberId: issuedCoupons.memberId, n: count() })
    .from(issuedCoupons)
    .where(and(eq(issuedCoupons.practiceId, ctx.practiceId), inArray(issuedCoupons.memberId, ids), eq(issuedCoupons.status, "active")))
    .groupBy(issuedCoupons.memberId);
  const balances = await ctx.db
    .select({ memberId: memberBalances.memberId, balance: memberBalances.balance })
    .from(memberBalances)
    .where(inArray(memberBalances.memberId, ids));
  const side = (m: typeof source) => ({
    ...publicMember(m),
    balance: balances.find((b) => b.memberId === m.id)?.balance ?? 0,
    ledgerLines: lines(m.id),
    visits: visits(m.id),
    orders: orderCount(m.id),
    surveys: surveys(m.id),
    activeCoupons: coupons.find((c) => c.memberId === m.id)?.n ?? 0,
  });
  const s = side(source);
  const t = side(target);
  return {
    source: s,
    target: t,
    after: {
      balance: s.balance + t.balance,
      externalId: target.externalId ?? source.externalId,
      /** The duplicate's PMS id that will lead to the survivor from the merged record. */
      aliasPmsId: target.externalId && source.externalId ? source.externalId : null,
      cardNumber: target.cardNumber ?? source.cardNumber,
      email: target.email ?? source.email,
      phone: target.phone ?? source.phone,
      birthday: target.birthday ?? source.birthday,
      tags: normalizedTags([...target.tags, ...source.tags]),
    },
  };
}

/**
 * Members by PMS id for imports: an id held by a merged record leads to the record it was merged
 * into. Returns pmsId -> the member (status "member" or "lead") that receives what is imported.
 */
export async function resolveByPmsIds(
  db: Tx | Ctx["db"],
  ctx: Pick<Ctx, "practiceId">,
  pmsIds: string[],
): Promise<Map<string, { id: string; status: "member" | "lead" | "merged"; viaMerge: boolean }>> {
  const out = new Map<string, { id: string; status: "member" | "lead" | "merged"; viaMerge: boolean }>();
  if (pmsIds.length === 0) return out;
  const survivor = alias(members, "survivor");
  for (let i = 0; i < pmsIds.length; i += 5000) {
    const rows = await db
      .select({
        externalId: members.externalId,
        id: members.id,
        status: members.status,
        survivorId: survivor.id,
        survivorStatus: survivor.status,
      })
      .from(members)
      .leftJoin(survivor, and(eq(survivor.practiceId, members.practiceId), eq(survivor.id, members.mergedIntoId)))
      .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.externalId, pmsIds.slice(i, i + 5000))));
    for (const r of rows) {
      if (r.status === "merged" && r.survivorId) out.set(r.externalId!, { id: r.survivorId, status: r.survivorStatus!, viaMerge: true });
      else out.set(r.externalId!, { id: r.id, status: r.status, viaMerge: false });
    }
  }
  return out;
}
