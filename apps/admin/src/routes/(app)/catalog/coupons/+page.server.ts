import { deleteReward, toggleReward } from "#lib/programs/catalog-actions.server.js";
import { api } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Coupons");
  const [rewards, active] = await Promise.all([
    api(event).catalog.rewards.query({ includeDisabled: true }),
    api(event).rules.version.query({}),
  ]);
  const coupons = rewards.filter((r) => r.kind === "coupon");
  // Which coupons the published rules unlock (instant rewards, milestones, action rewards).
  const used = new Set<string>();
  for (const m of (active?.source ?? "").matchAll(/coupon\s+"((?:[^"\\]|\\.)*)"/g)) used.add(m[1] as string);
  return {
    coupons: coupons.map((c) => ({ ...c, inRules: c.couponCode ? used.has(c.couponCode) : false })),
    added: event.url.searchParams.get("added"),
  };
};

export const actions: Actions = { toggle: toggleReward, delete: deleteReward };
