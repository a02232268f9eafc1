import { deleteReward, toggleReward } from "#lib/programs/catalog-actions.server.js";
import { api } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Catalog rewards");
  const rewards = await api(event).catalog.rewards.query({ includeDisabled: true });
  return { rewards, added: event.url.searchParams.get("added") };
};

export const actions: Actions = { toggle: toggleReward, delete: deleteReward };
