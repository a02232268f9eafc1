// Coupons issued to a member (instant rewards, milestones, catalog), as staff see them, and
// marking one used at the desk (an expired or used coupon is refused).
import { listCoupons, listCouponsInput, useCoupon, useCouponInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const couponsRouter = router({
  list: staffProcedure
    .meta({ action: "coupons.list" })
    .input(listCouponsInput)
    .query(({ ctx, input }) => listCoupons({ ctx: ctx.core, input })),
  use: staffProcedure
    .meta({ action: "coupons.use" })
    .input(useCouponInput)
    .mutation(({ ctx, input }) => useCoupon({ ctx: ctx.core, input })),
});
