// Redeeming a catalog reward for points. Exact under concurrency: the member's balance row is
// locked (SELECT ... FOR UPDATE) before the engine checks it, so simultaneous requests queue and
// a balance never goes below zero. A client idempotency key makes retries safe. Gift cards are
// committed as pending orders and issued after commit by the outbox (gift-card-outbox.ts).
import { randomUUID } from "node:crypto";
import { issuedCoupons, memberBalances, orders, rewards, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { assertRedeemable } from "../catalog/rewards.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { loadSetup } from "../events/program.ts";
import { throwIfRejected } from "../events/rejections.ts";
import { withIdempotency } from "../idempotency.ts";
import { lockBalances } from "../ledger/append.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { assertWithinYearlyLimit } from "./inducements.ts";

const exclusionMessage = "This member is excluded from rewards: they earn no points and cannot redeem.";

export const redeemRewardInput = z.object({
  memberId: z.uuid(),
  rewardId: z.uuid(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

export interface RedeemResult {
  orderId: string;
  status: "pending" | "fulfilled";
  rewardName: string;
  kind: "gift_card" | "in_house" | "coupon";
  points: number;
  balance: number;
  entryId: string | null;
  fulfilment: Record<string, unknown>;
}

export async function redeemReward({ ctx, input }: { ctx: Ctx; input: Input<typeof redeemRewardInput> }): Promise<RedeemResult> {
  authorize(ctx, "redemption.redeem");
  const data = parseInput(redeemRewardInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, (tx) =>
    withIdempotency(tx, ctx, "redemption.redeem", data.idempotencyKey, { memberId: data.memberId, rewardId: data.rewardId }, async () => {
      const member = await findMember(tx, ctx, data.memberId);
      if (member.status !== "member") throw new DomainError("FORBIDDEN", "Only members can redeem rewards.");
      const [reward] = await tx
        .select()
        .from(rewards)
        .where(and(eq(rewards.id, data.rewardId), eq(rewards.practiceId, ctx.practiceId)));
      assertRedeemable(reward);
      const setup = await loadSetup(tx, ctx.practiceId);
      if (setup.practice.status === "off") throw new DomainError("PROGRAM_OFF", "The rewards program is off.");
      if (setup.practice.status === "test")
        throw new DomainError("TEST_MODE", "The rewards program is in test mode: redemptions are not open yet.");
      // Inducement guardrails (SPEC 3): an excluded member cannot redeem; the yearly limit counts
      // this year's orders under the balance lock (the engine takes it again, in the same order).
      if (member.excludedFromRewards) throw new DomainError("EXCLUDED", exclusionMessage, { reason: "excluded" });
      if (setup.practice.yearlyRedemptionLimitCents !== null) {
        await lockBalances(tx, ctx.practiceId, [member.id]);
        await assertWithinYearlyLimit(tx, ctx.practiceId, setup.practice, member.id, reward.pointsPrice);
      }

      const orderId = randomUUID();
      const now = new Date();
      // processEvent locks the balance row, then the engine refuses if it does not cover the price.
      const result = await processEvent(
        tx,
        ctx,
        {
          id: `redemption:${orderId}`,
          type: "points.redeemed",
          at: now.toISOString(),
          member: member.id,
          redemption: { points: reward.pointsPrice, reward: reward.name },
        },
        { setup, orderId, source: ctx.actor.kind },
      );
      throwIfRejected(result);
      const entry = result.redemptions[0];
      if (!entry) throw new Error("redemption: the engine produced no redemption entry");

      let fulfilment: Record<string, unknown> = {};
      let status: "pending" | "fulfilled" = "pending";
      if (reward.kind === "gift_card") {
        // Issued after commit by the outbox (gift-card-outbox.ts): no network call while the
        // member's balance is locked, and the order id is the provider's idempotency key.
        fulfilment = { outbox: { attempts: 0, nextAttemptAt: now.toISOString() } };
      } else if (reward.kind === "coupon") {
        const expiresAt = reward.couponValidDays ? new Date(now.getTime() + reward.couponValidDays * 86_400_000) : null;
        const [coupon] = await tx
          .insert(issuedCoupons)
          .values({
            practiceId: ctx.practiceId,
            memberId: member.id,
            coupon: reward.couponCode ?? reward.name,
            ruleName: null,
            issuedAt: now,
            expiresAt,
            idempotencyKey: `order:${orderId}`,
          })
          .returning({ id: issuedCoupons.id });
        fulfilment = { couponId: coupon!.id, coupon: reward.couponCode, expiresAt: expiresAt?.toISOString() ?? null };
        status = "fulfilled";
      }
      await tx.insert(orders).values({
        id: orderId,
        practiceId: ctx.practiceId,
        memberId: member.id,
        rewardId: reward.id,
        rewardName: reward.name,
        rewardKind: reward.kind,
        points: reward.pointsPrice,
        status,
        fulfilment,
        fulfilledAt: status === "fulfilled" ? now : null,
      });
      await audit(tx, ctx, {
        action: "redemption.redeem",
        targetType: "order",
        targetId: orderId,
        details: { memberId: member.id, rewardId: reward.id, points: reward.pointsPrice, entryId: entry.entryId },
      });
      return {
        orderId,
        status,
        rewardName: reward.name,
        kind: reward.kind,
        points: reward.pointsPrice,
        balance: await currentBalance(tx, ctx, member.id),
        entryId: entry.entryId,
        fulfilment,
      };
    }),
  );
}

async function currentBalance(tx: Tx, ctx: Ctx, memberId: string) {
  const [row] = await tx
    .select({ balance: memberBalances.balance })
    .from(memberBalances)
    .where(and(eq(memberBalances.memberId, memberId), eq(memberBalances.practiceId, ctx.practiceId)));
  return row?.balance ?? 0;
}
