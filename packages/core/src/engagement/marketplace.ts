// Marketplace: contests, surveys and social posts members take part in (once each) for points,
// through `marketplace.participated`. What counts as taking part is decided here, once: a contest
// entry has content, a survey answers every one of its questions. Staff list the entries and draw a
// contest's winner: a seeded draw whose seed is recorded in the audit log, so anyone can replay it.

import { createHash, randomBytes } from "node:crypto";
import { auditLog, marketplaceActivities, members, participations } from "@tally/db";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export const saveActivityInput = z.object({
  id: z.uuid().optional(),
  kind: z.enum(["contest", "survey", "social_post"]),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(""),
  /** A survey's questions, in order (at most 20); ignored for other kinds. */
  questions: z.array(z.string().trim().min(1, "a question needs words").max(300)).max(20).default([]),
  active: z.boolean().default(true),
  startsAt: z.coerce.date().nullable().optional(),
  endsAt: z.coerce.date().nullable().optional(),
});

export async function saveActivity({ ctx, input }: { ctx: Ctx; input: Input<typeof saveActivityInput> }) {
  authorize(ctx, "engagement.manageMarketplace");
  const { id, ...parsed } = parseInput(saveActivityInput, input);
  const data = { ...parsed, questions: parsed.kind === "survey" ? parsed.questions : [] };
  if (data.kind === "survey" && data.questions.length === 0)
    throw new DomainError("INVALID_INPUT", "A survey needs at least one question.", { field: "questions" });
  return inTx(ctx, async (tx) => {
    let row: typeof marketplaceActivities.$inferSelect | undefined;
    if (id) {
      [row] = await tx
        .update(marketplaceActivities)
        .set(data)
        .where(and(eq(marketplaceActivities.id, id), eq(marketplaceActivities.practiceId, ctx.practiceId)))
        .returning();
      if (!row) throw notFound("Activity");
    } else {
      [row] = await tx
        .insert(marketplaceActivities)
        .values({ ...data, practiceId: ctx.practiceId })
        .returning();
    }
    await audit(tx, ctx, {
      action: "engagement.saveActivity",
      targetType: "marketplace_activity",
      targetId: row!.id,
      details: { kind: data.kind, title: data.title },
    });
    return row!;
  });
}

export async function listActivities({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "engagement.list");
  const where = [eq(marketplaceActivities.practiceId, ctx.practiceId)];
  if (ctx.actor.kind === "member") where.push(eq(marketplaceActivities.active, true));
  return ctx.db
    .select()
    .from(marketplaceActivities)
    .where(and(...where))
    .orderBy(desc(marketplaceActivities.createdAt));
}

export const participateInput = z.object({
  memberId: z.uuid(),
  activityId: z.uuid(),
  response: z.string().max(5000).default(""),
  /** A survey's answers, one per question in the activity's order. */
  answers: z.array(z.string().max(2000)).max(20).default([]),
});

type Activity = typeof marketplaceActivities.$inferSelect;

/**
 * What a member sent, checked against the activity: a contest entry must have content (an empty
 * one earns nothing), a survey an answer to each of its questions. Throws INVALID_INPUT with a
 * message for the person; returns the response and answers to store.
 */
export function checkEntry(activity: Pick<Activity, "kind" | "questions">, sent: { response: string; answers: string[] }) {
  const response = sent.response.trim();
  if (activity.kind === "contest" && response === "")
    throw new DomainError("INVALID_INPUT", "Your entry is empty: write or link your entry first. An empty entry earns no points.", {
      field: "response",
    });
  if (activity.kind !== "survey") return { response, answers: [] as string[] };
  const questions = activity.questions ?? [];
  if (questions.length === 0) {
    if (response === "") throw new DomainError("INVALID_INPUT", "Write your answer first.", { field: "response" });
    return { response, answers: [response] };
  }
  const answers = questions.map((_, i) => (sent.answers[i] ?? "").trim());
  const missing = answers.flatMap((a, i) => (a === "" ? [i] : []));
  if (missing.length > 0)
    throw new DomainError(
      "INVALID_INPUT",
      missing.length === 1
        ? `Answer question ${missing[0]! + 1} too: every question needs an answer.`
        : `Answer questions ${missing.map((i) => i + 1).join(", ")} too: every question needs an answer.`,
      { field: "answers", missing },
    );
  return { response: "", answers };
}

export async function participate({ ctx, input }: { ctx: Ctx; input: Input<typeof participateInput> }) {
  authorize(ctx, "engagement.participate");
  const data = parseInput(participateInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    const [activity] = await tx
      .select()
      .from(marketplaceActivities)
      .where(and(eq(marketplaceActivities.id, data.activityId), eq(marketplaceActivities.practiceId, ctx.practiceId)));
    if (!activity) throw notFound("Activity");
    const now = new Date();
    if (!activity.active || (activity.startsAt && now < activity.startsAt) || (activity.endsAt && now > activity.endsAt)) {
      throw new DomainError("CONFLICT", "This activity is not open.");
    }
    const entry = checkEntry(activity, data);
    const [p] = await tx
      .insert(participations)
      .values({ practiceId: ctx.practiceId, activityId: activity.id, memberId: data.memberId, ...entry, at: now })
      .onConflictDoNothing()
      .returning({ id: participations.id });
    if (!p) throw new DomainError("CONFLICT", "You have already taken part in this activity.");
    const outcome = await processEvent(tx, ctx, {
      id: `activity:${activity.id}:${data.memberId}`,
      type: "marketplace.participated",
      at: now.toISOString(),
      member: data.memberId,
      activity: { kind: activity.kind, id: activity.id },
    });
    await tx.update(participations).set({ eventId: outcome.eventId }).where(eq(participations.id, p.id));
    await audit(tx, ctx, {
      action: "engagement.participate",
      targetType: "marketplace_activity",
      targetId: activity.id,
      details: { memberId: data.memberId },
    });
    return { participationId: p.id, awards: outcome.awards };
  });
}

export const activityEntriesInput = z.object({ activityId: z.uuid() });

async function findActivity(db: Ctx["db"], ctx: Ctx, activityId: string): Promise<Activity> {
  const [activity] = await db
    .select()
    .from(marketplaceActivities)
    .where(and(eq(marketplaceActivities.id, activityId), eq(marketplaceActivities.practiceId, ctx.practiceId)));
  if (!activity) throw notFound("Activity");
  return activity;
}

/** The entries in the order a draw numbers them: when they were sent, then their id. */
async function entriesOf(db: Ctx["db"], ctx: Ctx, activityId: string) {
  return db
    .select({
      id: participations.id,
      memberId: participations.memberId,
      firstName: members.firstName,
      lastName: members.lastName,
      response: participations.response,
      answers: participations.answers,
      at: participations.at,
    })
    .from(participations)
    .innerJoin(members, and(eq(members.practiceId, participations.practiceId), eq(members.id, participations.memberId)))
    .where(and(eq(participations.practiceId, ctx.practiceId), eq(participations.activityId, activityId)))
    .orderBy(asc(participations.at), asc(participations.id));
}

export interface DrawRecord {
  seed: string;
  entrants: number;
  /** sha256 of the entry ids in draw order: a replay over other entries is told apart. */
  entrantsDigest: string;
  winnerEntryId: string;
  winnerMemberId: string;
  winnerName: string;
  drawnAt: string;
  drawnBy: string | null;
}

/** Staff: an activity's entries (who, what they sent, when) and the draws made for it. */
export async function listActivityEntries({ ctx, input }: { ctx: Ctx; input: Input<typeof activityEntriesInput> }) {
  authorize(ctx, "engagement.listEntries");
  const { activityId } = parseInput(activityEntriesInput, input);
  const activity = await findActivity(ctx.db, ctx, activityId);
  const entries = await entriesOf(ctx.db, ctx, activityId);
  const draws = await ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.practiceId, ctx.practiceId), eq(auditLog.action, "engagement.drawWinner"), eq(auditLog.targetId, activityId)))
    .orderBy(desc(auditLog.at));
  return {
    activity,
    entries: entries.map((e) => ({ ...e, name: `${e.firstName} ${e.lastName}` })),
    draws: draws.map((d) => ({ ...(d.details as unknown as DrawRecord), auditId: d.id })),
  };
}

/**
 * The winner a seed picks among entries (in draw order): sha256(seed, entry ids) read as a number,
 * modulo the count. The same seed over the same entries always picks the same entry.
 */
export function pickWinner(seed: string, entryIds: readonly string[]): { index: number; entrantsDigest: string } {
  if (entryIds.length === 0) throw new DomainError("CONFLICT", "Nobody has entered yet: there is no one to draw.");
  const entrantsDigest = createHash("sha256").update(entryIds.join("\n")).digest("hex");
  const h = createHash("sha256").update(`${seed}\n${entrantsDigest}`).digest();
  const index = Number(h.readBigUInt64BE(0) % BigInt(entryIds.length));
  return { index, entrantsDigest };
}

export const drawWinnerInput = z.object({
  activityId: z.uuid(),
  /** Replay a recorded draw with its seed; a new draw leaves it out and gets a random one. */
  seed: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8,128}$/i, "a seed is hexadecimal")
    .optional(),
});

/**
 * Draws a contest's winner among its entries with a random seed and records the seed, the number
 * of entries, their digest and the winner in the audit log. With `seed`, nothing is recorded: it
 * replays a draw, so anyone can check a recorded winner (`matches` says whether the entries are
 * still the ones drawn from).
 */
export async function drawWinner({ ctx, input }: { ctx: Ctx; input: Input<typeof drawWinnerInput> }) {
  authorize(ctx, "engagement.drawWinner");
  const q = parseInput(drawWinnerInput, input);
  const activity = await findActivity(ctx.db, ctx, q.activityId);
  const entries = await entriesOf(ctx.db, ctx, activity.id);
  const seed = q.seed?.toLowerCase() ?? randomBytes(16).toString("hex");
  const { index, entrantsDigest } = pickWinner(
    seed,
    entries.map((e) => e.id),
  );
  const winner = entries[index]!;
  const record: DrawRecord = {
    seed,
    entrants: entries.length,
    entrantsDigest,
    winnerEntryId: winner.id,
    winnerMemberId: winner.memberId,
    winnerName: `${winner.firstName} ${winner.lastName}`,
    drawnAt: new Date().toISOString(),
    drawnBy: ctx.actor.kind === "staff" ? ctx.actor.id : null,
  };
  if (q.seed) return { ...record, replay: true as const };
  await inTx(ctx, (tx) =>
    audit(tx, ctx, {
      action: "engagement.drawWinner",
      targetType: "marketplace_activity",
      targetId: activity.id,
      details: { ...record, title: activity.title },
    }),
  );
  return { ...record, replay: false as const };
}
