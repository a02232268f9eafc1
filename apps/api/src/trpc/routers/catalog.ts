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

export const catalogRouter = router({
  rewards: staffProcedure
    .meta({ action: "catalog.listRewards" })
    .input(listRewardsInput.optional())
    .query(({ ctx, input }) => listRewards({ ctx: ctx.core, input })),
  /** The catalog as a member sees it. */
  offered: memberProcedure.query(({ ctx }) => listRewards({ ctx: ctx.core })),
  /** The reward form's picker: the practice's gift card provider's products (kept a few minutes). */
  giftCardProducts: staffProcedure
    .meta({ action: "catalog.createReward" })
    .input(listGiftCardProductsInput)
    .query(({ ctx, input }) => listGiftCardProducts({ ctx: ctx.core, input })),
  createReward: staffProcedure
    .meta({ action: "catalog.createReward" })
    .input(createRewardInput)
    .mutation(({ ctx, input }) => createReward({ ctx: ctx.core, input })),
  updateReward: staffProcedure
    .meta({ action: "catalog.updateReward" })
    .input(updateRewardInput)
    .mutation(({ ctx, input }) => updateReward({ ctx: ctx.core, input })),
  deleteReward: staffProcedure
    .meta({ action: "catalog.deleteReward" })
    .input(deleteRewardInput)
    .mutation(({ ctx, input }) => deleteReward({ ctx: ctx.core, input })),
  eligibleItems: staffProcedure.meta({ action: "catalog.listEligibleItems" }).query(({ ctx }) => listEligibleItems({ ctx: ctx.core })),
  upsertEligibleItems: staffProcedure
    .meta({ action: "catalog.upsertEligibleItems" })
    .input(upsertEligibleItemsInput)
    .mutation(({ ctx, input }) => upsertEligibleItems({ ctx: ctx.core, input })),
  setEligibleItem: staffProcedure
    .meta({ action: "catalog.setEligibleItem" })
    .input(setEligibleItemInput)
    .mutation(({ ctx, input }) => setEligibleItem({ ctx: ctx.core, input })),
  enableAllEligibleItems: staffProcedure
    .meta({ action: "catalog.enableAllEligibleItems" })
    .input(enableAllEligibleItemsInput)
    .mutation(({ ctx, input }) => enableAllEligibleItems({ ctx: ctx.core, input })),
});
