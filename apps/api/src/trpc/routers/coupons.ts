// Coupons issued to a member (instant rewards, milestones, catalog), as staff see them.
import { listCoupons, listCouponsInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const couponsRouter = router({
  list: staffProcedure.input(listCouponsInput).query(({ ctx, input }) => listCoupons({ ctx: ctx.core, input })),
});
