// The fulfilment queue for in-house prizes: pending -> fulfilled, or cancelled with the points
// refunded as a new ledger entry (never by touching the redemption entry). Gift cards are worked
// by the outbox (gift-card-outbox.ts), which refunds through the same `refundOrder`.

import { orders, type Tx } from "@tally/db";
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { creditEngineState } from "../events/expire-due.ts";
import { appendEntries } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { enqueueWebhooks } from "../webhooks/outbox.ts";

export const listOrdersInput = z.object({
  status: z.enum(["pending", "fulfilled", "cancelled"]).optional(),
  memberId: z.uuid().optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

export async function listOrders({ ctx, input }: { ctx: Ctx; input?: Input<typeof listOrdersInput> }) {
  authorize(ctx, "redemption.listOrders");
  const q = parseInput(listOrdersInput, input ?? {});
  const where = [eq(orders.practiceId, ctx.practiceId)];
  if (q.status) where.push(eq(orders.status, q.status));
  if (q.memberId) where.push(eq(orders.memberId, q.memberId));
  return (
    ctx.db
      .select()
      .from(orders)
      .where(and(...where))
      // The queue is worked oldest first; history newest first.
      .orderBy(q.status === "pending" ? asc(orders.createdAt) : desc(orders.createdAt))
      .limit(q.limit)
      .offset(q.offset)
  );
}

export const fulfilOrderInput = z.object({ orderId: z.uuid(), note: z.string().max(1000).optional() });

export async function fulfilOrder({ ctx, input }: { ctx: Ctx; input: Input<typeof fulfilOrderInput> }) {
  authorize(ctx, "redemption.fulfilOrder");
  const { orderId, note } = parseInput(fulfilOrderInput, input);
  return inTx(ctx, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.practiceId, ctx.practiceId)))
      .for("update");
    if (!order) throw notFound("Order");
    if (order.status !== "pending") throw new DomainError("CONFLICT", `This order is already ${order.status}.`);
    assertNotInOutbox(order);
    const [row] = await tx
      .update(orders)
      .set({ status: "fulfilled", fulfilledAt: new Date(), decidedBy: ctx.actor.id, note: note ?? order.note })
      .where(eq(orders.id, orderId))
      .returning();
    await audit(tx, ctx, { action: "redemption.fulfilOrder", targetType: "order", targetId: orderId, details: { note } });
    await enqueueWebhooks(tx, ctx.practiceId, [
      {
        type: "order.fulfilled",
        memberId: row!.memberId,
        data: { memberId: row!.memberId, orderId, reward: row!.rewardName, points: row!.points, fulfilledAt: row!.fulfilledAt },
      },
    ]);
    return row!;
  });
}

export const cancelOrderInput = z.object({ orderId: z.uuid(), reason: z.string().trim().min(1).max(1000) });

export async function cancelOrder({ ctx, input }: { ctx: Ctx; input: Input<typeof cancelOrderInput> }) {
  authorize(ctx, "redemption.cancelOrder");
  const { orderId, reason } = parseInput(cancelOrderInput, input);
  return inTx(ctx, async (tx) => {
    const [order] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, orderId), eq(orders.practiceId, ctx.practiceId)))
      .for("update");
    if (!order) throw notFound("Order");
    if (order.status !== "pending")
      throw new DomainError("CONFLICT", `Only a pending order can be cancelled; this one is ${order.status}.`);
    assertNotInOutbox(order);
    return refundOrder(tx, ctx, order, reason, "redemption.cancelOrder");
  });
}

type Order = typeof orders.$inferSelect;

/** A pending gift card belongs to the outbox (it may be at the provider right now): staff neither
 *  fulfil nor cancel it; a final failure refunds it (gift-card-outbox.ts). */
function assertNotInOutbox(order: Order) {
  if (order.rewardKind === "gift_card")
    throw new DomainError("CONFLICT", "This gift card is being issued by the provider; it is refunded automatically if issuing fails.");
}

/**
 * The one refund path: the points back as a new `refund` entry (never by touching the redemption
 * entry; at most once per order by its idempotency key) and the order cancelled with the reason,
 * audited. The caller holds the order row locked and has checked it is pending.
 */
export async function refundOrder(
  tx: Tx,
  ctx: Ctx,
  order: Order,
  reason: string,
  action: string,
  extra: { fulfilment?: Record<string, unknown> } = {},
) {
  const now = new Date();
  const [refund] = await appendEntries(tx, ctx, [
    {
      memberId: order.memberId,
      kind: "refund",
      points: order.points,
      idempotencyKey: `order:${order.id}:refund`,
      at: now,
      orderId: order.id,
      note: reason,
      explanation: { order: order.id, reward: order.rewardName, reason },
    },
  ]);
  // SPEC 7: the refund is a new lot dated now (it expires like an award) and is activity.
  if (refund) await creditEngineState(tx, ctx, order.memberId, now, order.points);
  const [row] = await tx
    .update(orders)
    .set({ status: "cancelled", cancelledAt: now, decidedBy: ctx.actor.id, note: reason, ...extra })
    .where(eq(orders.id, order.id))
    .returning();
  await audit(tx, ctx, {
    action,
    targetType: "order",
    targetId: order.id,
    details: { reason, refundEntryId: refund?.id, points: order.points },
  });
  return { order: row!, refundEntryId: refund?.id ?? null };
}
