import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Suggested merges");
  return await api(event).patientImports.suggestions.query({ limit: 100 });
};

export const actions: Actions = {
  merge: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const keepId = String(form.get("keepId") ?? "");
    try {
      const r = await api(event).patientImports.resolveSuggestion.mutate({ id, decision: "merge", keepId });
      return { done: "member" in r ? `Merged into ${r.member.firstName} ${r.member.lastName}.` : "Merged." };
    } catch (e) {
      return fail(400, { id, error: messageOf(e) });
    }
  },
  keep: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    try {
      await api(event).patientImports.resolveSuggestion.mutate({ id, decision: "keep" });
      return { done: "Kept as two people; this pair will not be suggested again." };
    } catch (e) {
      return fail(400, { id, error: messageOf(e) });
    }
  },
};
