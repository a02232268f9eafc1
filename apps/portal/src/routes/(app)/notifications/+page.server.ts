import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({ preferences: await api(event).messages.myPreferences.query() });

export const actions: Actions = {
  save: async (event) => {
    const form = await event.request.formData();
    const on = new Set(form.getAll("on").map(String));
    const client = api(event);
    try {
      const current = await client.messages.myPreferences.query();
      for (const p of current) {
        const wanted = on.has(`${p.kind}:${p.channel}`);
        if (wanted !== p.on) await client.messages.setMyPreference.mutate({ kind: p.kind, channel: p.channel, on: wanted });
      }
      return { saved: true };
    } catch (e) {
      return fail(400, { error: messageOf(e) });
    }
  },
};
