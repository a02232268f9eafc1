import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const q = event.url.searchParams.get("q")?.trim() ?? "";
  return { q, leads: await api(event).leads.list.query({ q, pageSize: 100 }) };
};

export const actions: Actions = {
  convert: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const mergeCard = String(form.get("mergeCard") ?? "").trim();
    const client = api(event);
    let memberId: string;
    try {
      let mergeIntoId: string | undefined;
      if (mergeCard) {
        const found = await client.members.findByCard.query({ card: mergeCard });
        if (!found) return fail(400, { id, error: `No member has card ${mergeCard}. Check the number, or convert without merging.` });
        mergeIntoId = found.id;
      }
      const m = await client.leads.convert.mutate({ id, mergeIntoId });
      memberId = m.id;
    } catch (e) {
      return fail(400, { id, error: messageOf(e) });
    }
    redirect(303, href(`/members/${memberId}`));
  },
};
