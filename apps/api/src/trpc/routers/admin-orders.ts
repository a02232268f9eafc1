// The orders fulfilment queue with member names (fulfil and cancel are on the orders router).
import { listOrdersInput } from "@tally/core";
import { listOrderQueue } from "../../../../../packages/core/src/redemption/list-order-queue.ts";
import { router, staffProcedure } from "../init.ts";

export const adminOrdersRouter = router({
  queue: staffProcedure.input(listOrdersInput.optional()).query(({ ctx, input }) => listOrderQueue({ ctx: ctx.core, input })),
});
