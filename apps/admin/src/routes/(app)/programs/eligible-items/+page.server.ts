import { fail } from "@sveltejs/kit";
import { pageOf } from "#lib/programs/paging.js";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Eligible billing codes");
  const items = await api(event).catalog.eligibleItems.query();
  const q = (event.url.searchParams.get("q") ?? "").trim();
  const needle = q.toLowerCase();
  const matching = needle ? items.filter((i) => i.code.toLowerCase().includes(needle) || i.name.toLowerCase().includes(needle)) : items;
  const paged = pageOf(matching, event.url.searchParams);
  return {
    q,
    ...paged,
    total: items.length,
    enabled: items.filter((i) => i.enabled).length,
    sensitive: items.filter((i) => i.sensitive).map((i) => ({ code: i.code, name: i.name, enabled: i.enabled })),
    confirmEnableAll: event.url.searchParams.get("enableAll") === "1",
  };
};

export const actions: Actions = {
  /** Saves the checkboxes of the rows shown: every row on the page posts its id, checked ones also `enabled`. */
  save: async (event) => {
    const form = await event.request.formData();
    const shown = new Set(form.getAll("shown").map(String));
    const checked = new Set(form.getAll("enabled").map(String));
    const client = api(event);
    const items = await client.catalog.eligibleItems.query();
    const changes = items.filter((i) => shown.has(i.id) && i.enabled !== checked.has(i.id));
    const warnings: string[] = [];
    try {
      for (const item of changes) {
        const result = await client.catalog.setEligibleItem.mutate({ id: item.id, enabled: checked.has(item.id) });
        warnings.push(...result.warnings.map((w) => w.message));
      }
    } catch (e) {
      return fail(400, { action: "save", message: messageOf(e), warnings });
    }
    const on = changes.filter((c) => checked.has(c.id)).length;
    const off = changes.length - on;
    const message =
      changes.length === 0
        ? "No changes to save."
        : [on ? `${on} code${on === 1 ? "" : "s"} now earn points` : "", off ? `${off} no longer earn` : ""].filter(Boolean).join(", ") +
          ".";
    return { action: "save", ok: true, message, warnings };
  },

  enableAll: async (event) => {
    const form = await event.request.formData();
    const includeSensitive = form.get("includeSensitive") === "yes";
    try {
      const result = await api(event).catalog.enableAllEligibleItems.mutate({ includeSensitive });
      return {
        action: "enableAll",
        ok: true,
        message: `${result.enabled} billing codes now earn points.`,
        warnings: result.warnings.map((w) => w.message),
      };
    } catch (e) {
      return fail(400, { action: "enableAll", message: messageOf(e), warnings: [] as string[] });
    }
  },

  add: async (event) => {
    const form = await event.request.formData();
    const values = { code: String(form.get("code") ?? "").trim(), name: String(form.get("name") ?? "").trim() };
    const errors: Record<string, string> = {};
    if (!values.code) errors.code = "Enter the billing code as your practice system writes it.";
    if (!values.name) errors.name = "Enter the service or item name.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "add", values, errors, message: null, warnings: [] as string[] });
    try {
      await api(event).catalog.upsertEligibleItems.mutate({
        items: [{ code: values.code, name: values.name, enabled: form.get("enabled") === "yes" }],
      });
    } catch (e) {
      return fail(400, { action: "add", values, errors, message: messageOf(e), warnings: [] as string[] });
    }
    return { action: "add", ok: true, message: `Added ${values.code}.`, warnings: [] as string[] };
  },
};
