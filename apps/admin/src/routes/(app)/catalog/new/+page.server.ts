import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { emptyReward, parseReward, type RewardKind, rewardValuesFrom } from "#lib/programs/reward-form.js";
import { api, messageOf } from "#lib/server/api.js";
import { giftCardCatalog } from "#lib/server/gift-cards.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { url } = event;
  requireAdmin(event, "Catalog rewards");
  const kind = url.searchParams.get("kind");
  return {
    values: emptyReward(kind === "coupon" || kind === "gift_card" ? (kind as RewardKind) : "in_house"),
    // For the gift card's product picker (the kind can be switched on the form).
    giftCards: await giftCardCatalog(event),
  };
};

export const actions: Actions = {
  default: async (event) => {
    const values = rewardValuesFrom(await event.request.formData());
    const { input, errors } = parseReward(values, values.kind === "gift_card" ? (await giftCardCatalog(event)).products : []);
    if (!input) return fail(400, { values, errors, message: "Some fields need your attention: see the messages under them." });
    try {
      await api(event).catalog.createReward.mutate(input);
    } catch (e) {
      return fail(400, { values, errors, message: messageOf(e) });
    }
    redirect(303, `${href(input.kind === "coupon" ? "/catalog/coupons" : "/catalog")}?added=${encodeURIComponent(input.name)}`);
  },
};
