// Redemption: staff redeem for a member at the desk, a member redeems for themself in the portal;
// the orders fulfilment queue (with member names), fulfil and cancel.
import {
  cancelOrder,
  cancelOrderInput,
  fulfilOrder,
  fulfilOrderInput,
  listOrderQueue,
  listOrdersInput,
  redeemReward,
  redeemRewardInput,
} from "@tally/core";
import { z } from "zod";
import { memberProcedure, router, staffProcedure } from "../init.ts";

export const redemptionRouter = router({
  redeem: staffProcedure
    .meta({ action: "redemption.redeem" })
    .input(redeemRewardInput)
    .mutation(({ ctx, input }) => redeemReward({ ctx: ctx.core, input })),
  /** The engine refuses it in test mode or when points are short. */
  redeemMine: memberProcedure
    .input(z.object({ rewardId: z.uuid(), idempotencyKey: z.string().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => redeemReward({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  orders: staffProcedure
    .meta({ action: "redemption.listOrders" })
    .input(listOrdersInput.optional())
    .query(({ ctx, input }) => listOrderQueue({ ctx: ctx.core, input })),
  fulfilOrder: staffProcedure
    .meta({ action: "redemption.fulfilOrder" })
    .input(fulfilOrderInput)
    .mutation(({ ctx, input }) => fulfilOrder({ ctx: ctx.core, input })),
  cancelOrder: staffProcedure
    .meta({ action: "redemption.cancelOrder" })
    .input(cancelOrderInput)
    .mutation(({ ctx, input }) => cancelOrder({ ctx: ctx.core, input })),
});
