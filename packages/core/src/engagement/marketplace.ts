// Marketplace: contests, surveys and social posts members take part in (once each) for points,
// through `marketplace.participated`.

import { marketplaceActivities, participations } from "@tally/db";
import { and, desc, eq } from "drizzle-orm";
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
  active: z.boolean().default(true),
  startsAt: z.coerce.date().nullable().optional(),
  endsAt: z.coerce.date().nullable().optional(),
});

export async function saveActivity({ ctx, input }: { ctx: Ctx; input: Input<typeof saveActivityInput> }) {
  authorize(ctx, "engagement.manageMarketplace");
  const { id, ...data } = parseInput(saveActivityInput, input);
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

export const participateInput = z.object({ memberId: z.uuid(), activityId: z.uuid(), response: z.string().max(5000).default("") });

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
    const [p] = await tx
      .insert(participations)
      .values({ practiceId: ctx.practiceId, activityId: activity.id, memberId: data.memberId, response: data.response, at: now })
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
