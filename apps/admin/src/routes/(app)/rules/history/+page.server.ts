import { fail } from "@sveltejs/kit";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Rule versions");
  const client = api(event);
  const [versions, practice] = await Promise.all([client.rules.versions.query(), client.practice.get.query()]);
  const ids = new Set(versions.map((v) => v.id));
  const pick = (key: string, fallback: string | undefined) => {
    const wanted = event.url.searchParams.get(key);
    return wanted && ids.has(wanted) ? wanted : fallback;
  };
  // By default: what changed in the newest version, against the one before it.
  const newId = pick("new", versions[0]?.id);
  const oldId = pick("old", versions.find((v) => v.id !== newId)?.id);
  const [oldVersion, newVersion] = await Promise.all([
    oldId ? client.rules.version.query({ versionId: oldId }) : null,
    newId ? client.rules.version.query({ versionId: newId }) : null,
  ]);
  return {
    versions,
    timezone: practice.timezone,
    compare: {
      old: oldVersion ? { id: oldVersion.id, version: oldVersion.version, source: oldVersion.source } : null,
      new: newVersion ? { id: newVersion.id, version: newVersion.version, source: newVersion.source } : null,
    },
  };
};

export const actions: Actions = {
  publish: async (event) => {
    const form = await event.request.formData();
    const versionId = String(form.get("versionId") ?? "");
    const version = String(form.get("version") ?? "");
    try {
      // Publishing shows what changes; removing rules or raising the cost asks to confirm.
      const preview = await api(event).rules.publishPreview.mutate({ versionId });
      // The server refuses such a publish without the preview's token (this version over the active one).
      const token = preview.confirm.token ?? "";
      if (preview.confirm.needed && form.get("confirm") !== token)
        return fail(409, { published: null, confirmFor: { versionId, version }, preview, token, message: null });
      await api(event).rules.publish.mutate({ versionId, confirm: preview.confirm.token ?? undefined });
      return { published: version, preview, message: `Version ${version} is now active: new events earn by it.` };
    } catch (e) {
      const message =
        appCodeOf(e) === "RULE_INVALID"
          ? `Version ${version} no longer passes the checker against today's catalog (a coupon may have been removed). Open it in the editor to fix it.`
          : messageOf(e);
      return fail(400, { published: null, message });
    }
  },
};
