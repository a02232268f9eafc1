import { fail } from "@sveltejs/kit";
import { exchangeRates, formatPointCost, parsePointCost } from "#lib/programs/format.js";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

const statuses = ["on", "off", "test"] as const;
type Status = (typeof statuses)[number];

async function readiness(client: ReturnType<typeof api>) {
  const [rewards, items, active] = await Promise.all([
    client.catalog.rewards.query({ includeDisabled: false }),
    client.catalog.eligibleItems.query(),
    client.rules.version.query({}),
  ]);
  return {
    rewards: rewards.length,
    eligibleItems: items.filter((i) => i.enabled).length,
    totalItems: items.length,
    activeRules: active ? { version: active.version, source: active.source } : null,
  };
}

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Program settings");
  const client = api(event);
  const [practice, ready] = await Promise.all([client.practice.get.query(), readiness(client)]);
  // Switching a program that is off back on expires the points that fell due meanwhile: said before saving.
  const dueOnSwitchOn = practice.status === "off" ? await client.practice.expiryOnSwitchOn.query() : { points: 0, members: 0 };
  return {
    practice,
    dueOnSwitchOn,
    pointCost: formatPointCost(practice.pointCostCentiCents),
    ready: {
      rewards: ready.rewards,
      eligibleItems: ready.eligibleItems,
      totalItems: ready.totalItems,
      activeVersion: ready.activeRules?.version ?? null,
    },
    rates: ready.activeRules ? exchangeRates(ready.activeRules.source) : [],
  };
};

export const actions: Actions = {
  status: async (event) => {
    const form = await event.request.formData();
    const status = String(form.get("status") ?? "") as Status;
    if (!statuses.includes(status)) return fail(400, { action: "status", status, message: "Choose On, Off or Test.", needsConfirm: false });
    const client = api(event);
    if (status === "on" && form.get("confirmed") !== "yes") {
      const ready = await readiness(client);
      const missing = [
        ready.rewards === 0 ? "no rewards are enabled in the catalog" : null,
        ready.eligibleItems === 0 ? "no billing codes are marked eligible" : null,
      ].filter(Boolean);
      if (missing.length > 0) {
        return fail(400, {
          action: "status",
          status,
          needsConfirm: true,
          message: `Not switched on yet: ${missing.join(" and ")}. Configure rewards and eligible items first and leave the program Off or in Test mode until then — or confirm below to switch it on anyway.`,
        });
      }
    }
    try {
      await client.practice.updateSettings.mutate({ status });
    } catch (e) {
      return fail(400, { action: "status", status, needsConfirm: false, message: messageOf(e) });
    }
    const said = {
      on: "The program is On: points accumulate and patients can see balances and redeem.",
      off: "The program is Off: nothing accumulates and patients cannot redeem.",
      test: "The program is in Test mode: points accumulate, staff see everything, patients see no balance and cannot redeem.",
    }[status];
    return { action: "status", status, needsConfirm: false, message: said, ok: true };
  },

  settings: async (event) => {
    const form = await event.request.formData();
    const values = { programDescription: String(form.get("programDescription") ?? ""), pointCost: String(form.get("pointCost") ?? "") };
    const errors: Record<string, string> = {};
    const cost = parsePointCost(values.pointCost);
    if (cost === null) errors.pointCost = "Enter what one point costs in dollars, like 0.10 (up to four decimals).";
    if (values.programDescription.length > 5000) errors.programDescription = "Keep the description under 5,000 characters.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "settings", values, errors, message: null });
    try {
      await api(event).practice.updateSettings.mutate({
        programDescription: values.programDescription.trim(),
        pointCostCentiCents: cost as number,
      });
    } catch (e) {
      return fail(400, { action: "settings", values, errors, message: messageOf(e) });
    }
    return { action: "settings", ok: true, message: "Program settings saved." };
  },
};
