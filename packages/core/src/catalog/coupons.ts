// Issued coupons: a member's active ones (with time left), staff marking one used, and the hourly
// job marking the ones past their expiry expired.

import { issuedCoupons } from "@tally/db";
import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { enqueueWebhooks } from "../webhooks/outbox.ts";

export const listCouponsInput = z.object({ memberId: z.uuid(), includeInactive: z.boolean().default(false) });

export async function listCoupons({ ctx, input }: { ctx: Ctx; input: Input<typeof listCouponsInput> }) {
  authorize(ctx, "coupons.list");
  const q = parseInput(listCouponsInput, input);
  assertSelf(ctx, q.memberId);
  await findMember(ctx.db, ctx, q.memberId);
  const now = new Date();
  const where = [eq(issuedCoupons.practiceId, ctx.practiceId), eq(issuedCoupons.memberId, q.memberId)];
  if (!q.includeInactive)
    where.push(eq(issuedCoupons.status, "active"), or(isNull(issuedCoupons.expiresAt), gt(issuedCoupons.expiresAt, now))!);
  const rows = await ctx.db
    .select()
    .from(issuedCoupons)
    .where(and(...where))
    .orderBy(asc(issuedCoupons.expiresAt));
  return rows.map((c) => ({
    id: c.id,
    coupon: c.coupon,
    rule: c.ruleName,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    status: c.status === "active" && c.expiresAt && c.expiresAt <= now ? "expired" : c.status,
    msLeft: c.expiresAt ? Math.max(0, c.expiresAt.getTime() - now.getTime()) : null,
  }));
}

export const useCouponInput = z.object({ couponId: z.uuid() });

export async function useCoupon({ ctx, input }: { ctx: Ctx; input: Input<typeof useCouponInput> }) {
  authorize(ctx, "coupons.use");
  const { couponId } = parseInput(useCouponInput, input);
  return inTx(ctx, async (tx) => {
    const [c] = await tx
      .select()
      .from(issuedCoupons)
      .where(and(eq(issuedCoupons.id, couponId), eq(issuedCoupons.practiceId, ctx.practiceId)))
      .for("update");
    if (!c) throw notFound("Coupon");
    const now = new Date();
    if (c.status !== "active") throw new DomainError("CONFLICT", `This coupon is ${c.status}.`);
    if (c.expiresAt && c.expiresAt <= now) throw new DomainError("CONFLICT", "This coupon has expired.");
    const [row] = await tx.update(issuedCoupons).set({ status: "used", usedAt: now }).where(eq(issuedCoupons.id, couponId)).returning();
    await audit(tx, ctx, {
      action: "coupons.use",
      targetType: "coupon",
      targetId: couponId,
      details: { coupon: c.coupon, memberId: c.memberId },
    });
    await enqueueWebhooks(tx, ctx.practiceId, [
      {
        type: "coupon.used",
        memberId: c.memberId,
        at: now,
        data: { memberId: c.memberId, couponId, coupon: c.coupon, usedAt: now.toISOString() },
      },
    ]);
    return row!;
  });
}

export const expireCouponsInput = z.object({ at: z.coerce.date().optional() });

/** The hourly job: active coupons whose expiry is at or before `at` become expired, in one UPDATE. */
export async function expireCoupons({ ctx, input }: { ctx: Ctx; input?: Input<typeof expireCouponsInput> }) {
  authorize(ctx, "coupons.expire");
  const { at = new Date() } = parseInput(expireCouponsInput, input ?? {});
  return inTx(ctx, async (tx) => {
    const rows = await tx
      .update(issuedCoupons)
      .set({ status: "expired" })
      .where(and(eq(issuedCoupons.practiceId, ctx.practiceId), eq(issuedCoupons.status, "active"), lte(issuedCoupons.expiresAt, at)))
      .returning({ id: issuedCoupons.id });
    await audit(tx, ctx, { action: "coupons.expire", details: { at: at.toISOString(), expired: rows.length } });
    return { expired: rows.length };
  });
}
