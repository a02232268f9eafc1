import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const statuses = ["failed", "unknown", "bounced", "queued", "sent", "skipped", "suppressed"] as const;

export const load: PageServerLoad = async (event) => {
  const status = statuses.find((s) => s === event.url.searchParams.get("status"));
  const { messages, counts } = await api(event).messages.list.query({ status, limit: 200 });
  return { status: status ?? "all", messages, counts };
};

export const actions: Actions = {
  resend: async (event) => {
    const form = await event.request.formData();
    const messageId = String(form.get("messageId") ?? "");
    try {
      await api(event).messages.resend.mutate({ messageId });
      return { resent: String(form.get("to") ?? "") };
    } catch (e) {
      return fail(400, { error: messageOf(e), messageId });
    }
  },
};
