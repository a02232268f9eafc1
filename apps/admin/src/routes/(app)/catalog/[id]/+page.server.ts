import { error, fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { parseReward, rewardValuesFrom, rewardValuesOf } from "#lib/programs/reward-form.js";
import { api, messageOf } from "#lib/server/api.js";
import { giftCardCatalog } from "#lib/server/gift-cards.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Catalog rewards");
  const rewards = await api(event).catalog.rewards.query({ includeDisabled: true });
  const reward = rewards.find((r) => r.id === event.params.id);
  if (!reward) error(404, "This reward is not in the catalog (it may have been deleted). Go back to the catalog to find it.");
  return {
    reward: { id: reward.id, name: reward.name, kind: reward.kind },
    values: rewardValuesOf(reward),
    giftCards: reward.kind === "gift_card" ? await giftCardCatalog(event) : null,
  };
};

export const actions: Actions = {
  save: async (event) => {
    const values = rewardValuesFrom(await event.request.formData());
    const { input, errors } = parseReward(values, values.kind === "gift_card" ? (await giftCardCatalog(event)).products : []);
    if (!input) return fail(400, { values, errors, message: "Some fields need your attention: see the messages under them." });
    const { kind: _kind, ...changes } = input;
    try {
      await api(event).catalog.updateReward.mutate({ id: event.params.id, ...changes });
    } catch (e) {
      return fail(400, { values, errors, message: messageOf(e) });
    }
    return { values, errors: {}, message: null, saved: true };
  },
  delete: async (event) => {
    try {
      await api(event).catalog.deleteReward.mutate({ id: event.params.id });
    } catch (e) {
      return fail(400, { values: null, errors: {}, message: messageOf(e) });
    }
    redirect(303, href("/catalog"));
  },
};
