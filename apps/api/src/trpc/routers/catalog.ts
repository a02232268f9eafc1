// Rewards catalog and eligible billing codes; the rewards a member can redeem.
import {
  createReward,
  createRewardInput,
  deleteReward,
  deleteRewardInput,
  enableAllEligibleItems,
  enableAllEligibleItemsInput,
  listEligibleItems,
  listGiftCardProducts,
  listGiftCardProductsInput,
  listRewards,
  listRewardsInput,
  setEligibleItem,
  setEligibleItemInput,
  updateReward,
  updateRewardInput,
  upsertEligibleItems,
  upsertEligibleItemsInput,
} from "@tally/core";
import { memberProcedure, router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const catalogRouter = router({
  rewards: staffProcedure.input(listRewardsInput.optional()).query(({ ctx, input }) => listRewards({ ctx: ctx.core, input })),
  /** The catalog as a member sees it. */
  offered: memberProcedure.query(({ ctx }) => listRewards({ ctx: ctx.core })),
  /** The reward form's picker: the practice's gift card provider's products (kept a few minutes). */
  giftCardProducts: admin.input(listGiftCardProductsInput).query(({ ctx, input }) => listGiftCardProducts({ ctx: ctx.core, input })),
  createReward: admin.input(createRewardInput).mutation(({ ctx, input }) => createReward({ ctx: ctx.core, input })),
  updateReward: admin.input(updateRewardInput).mutation(({ ctx, input }) => updateReward({ ctx: ctx.core, input })),
  deleteReward: admin.input(deleteRewardInput).mutation(({ ctx, input }) => deleteReward({ ctx: ctx.core, input })),
  eligibleItems: staffProcedure.query(({ ctx }) => listEligibleItems({ ctx: ctx.core })),
  upsertEligibleItems: admin.input(upsertEligibleItemsInput).mutation(({ ctx, input }) => upsertEligibleItems({ ctx: ctx.core, input })),
  setEligibleItem: admin.input(setEligibleItemInput).mutation(({ ctx, input }) => setEligibleItem({ ctx: ctx.core, input })),
  enableAllEligibleItems: admin
    .input(enableAllEligibleItemsInput)
    .mutation(({ ctx, input }) => enableAllEligibleItems({ ctx: ctx.core, input })),
});
