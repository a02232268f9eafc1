// Redemption by staff for a member, and the orders fulfilment queue.
import {
  cancelOrder,
  cancelOrderInput,
  fulfilOrder,
  fulfilOrderInput,
  listOrders,
  listOrdersInput,
  redeemReward,
  redeemRewardInput,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const redemptionRouter = router({
  redeem: staffProcedure.input(redeemRewardInput).mutation(({ ctx, input }) => redeemReward({ ctx: ctx.core, input })),
});

export const ordersRouter = router({
  list: staffProcedure.input(listOrdersInput.optional()).query(({ ctx, input }) => listOrders({ ctx: ctx.core, input })),
  fulfil: staffProcedure.input(fulfilOrderInput).mutation(({ ctx, input }) => fulfilOrder({ ctx: ctx.core, input })),
  cancel: staffProcedure.input(cancelOrderInput).mutation(({ ctx, input }) => cancelOrder({ ctx: ctx.core, input })),
});
