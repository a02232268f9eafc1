// Reviews: a member leaves one (`review.posted` lets rules reward it); staff publish it.
import { randomUUID } from "node:crypto";
import { type Db, members, practices, reviews } from "@tally/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { processEvent } from "../events/process-event.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export const submitReviewInput = z.object({
  memberId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  platform: z.string().trim().min(1).max(100).default("tally"),
  body: z.string().max(5000).default(""),
});

export async function submitReview({ ctx, input }: { ctx: Ctx; input: Input<typeof submitReviewInput> }) {
  authorize(ctx, "engagement.submitReview");
  const data = parseInput(submitReviewInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    const id = randomUUID();
    const now = new Date();
    const outcome = await processEvent(tx, ctx, {
      id: `review:${id}`,
      type: "review.posted",
      at: now.toISOString(),
      member: data.memberId,
      review: { rating: data.rating, platform: data.platform },
    });
    const [row] = await tx
      .insert(reviews)
      .values({ id, ...data, practiceId: ctx.practiceId, eventId: outcome.eventId, at: now })
      .returning();
    await audit(tx, ctx, { action: "engagement.submitReview", targetType: "review", targetId: id, details: { rating: data.rating } });
    return { review: row!, awards: outcome.awards };
  });
}

export const publishReviewInput = z.object({ id: z.uuid(), publish: z.boolean().default(true) });

export async function publishReview({ ctx, input }: { ctx: Ctx; input: Input<typeof publishReviewInput> }) {
  authorize(ctx, "engagement.publishReview");
  const { id, publish } = parseInput(publishReviewInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set(publish ? { status: "published", publishedAt: new Date(), publishedBy: ctx.actor.id } : { status: "hidden", publishedAt: null })
      .where(and(eq(reviews.id, id), eq(reviews.practiceId, ctx.practiceId)))
      .returning();
    if (!row) throw notFound("Review");
    await audit(tx, ctx, { action: "engagement.publishReview", targetType: "review", targetId: id, details: { publish } });
    return row;
  });
}

export async function listReviews({ ctx, input }: { ctx: Ctx; input?: { status?: "submitted" | "published" | "hidden" } }) {
  authorize(ctx, "engagement.list");
  const where = [eq(reviews.practiceId, ctx.practiceId)];
  // Members see published reviews only.
  if (ctx.actor.kind === "member") where.push(eq(reviews.status, "published"));
  else if (input?.status) where.push(eq(reviews.status, input.status));
  return ctx.db
    .select({ review: reviews, firstName: members.firstName, lastName: members.lastName })
    .from(reviews)
    .innerJoin(members, and(eq(members.practiceId, reviews.practiceId), eq(members.id, reviews.memberId)))
    .where(and(...where))
    .orderBy(desc(reviews.at))
    .limit(200)
    .then((rows) => rows.map((r) => ({ ...r.review, author: `${r.firstName} ${r.lastName.slice(0, 1)}.` })));
}

/**
 * The practice's public review page (no sign-in): its published reviews, newest first, each with
 * the author's first name and last initial only. Null when no practice has that slug.
 */
export async function publicReviews(db: Db, practiceSlug: string, limit = 50) {
  const [practice] = await db
    .select({ id: practices.id, name: practices.name, slug: practices.slug, address: practices.address, phone: practices.phone })
    .from(practices)
    .where(eq(practices.slug, practiceSlug));
  if (!practice) return null;
  const rows = await db
    .select({
      id: reviews.id,
      rating: reviews.rating,
      body: reviews.body,
      at: reviews.at,
      publishedAt: reviews.publishedAt,
      firstName: members.firstName,
      lastName: members.lastName,
    })
    .from(reviews)
    .innerJoin(members, and(eq(members.practiceId, reviews.practiceId), eq(members.id, reviews.memberId)))
    .where(and(eq(reviews.practiceId, practice.id), eq(reviews.status, "published")))
    .orderBy(desc(reviews.publishedAt), desc(reviews.at))
    .limit(Math.min(Math.max(limit, 1), 200));
  const ratings = rows.map((r) => r.rating);
  return {
    practice: { name: practice.name, slug: practice.slug, address: practice.address, phone: practice.phone },
    average: ratings.length ? Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 10) / 10 : null,
    reviews: rows.map(({ firstName, lastName, ...r }) => ({ ...r, author: `${firstName} ${lastName.slice(0, 1)}.` })),
  };
}
