import { fail } from "@sveltejs/kit";
import { m } from "#lib/paraglide/messages.js";
import { api, messageOf } from "#lib/server/api.js";
import { requirePracticeSlug } from "#lib/server/practice.js";
import type { Actions } from "./$types";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const actions: Actions = {
  request: async (event) => {
    const email = String((await event.request.formData()).get("email") ?? "").trim();
    if (!EMAIL.test(email)) return fail(400, { email, error: m.forgotEmailError(), message: null, sent: false });
    try {
      await api(event).auth.member.requestPasswordReset.mutate({ practice: await requirePracticeSlug(event), email });
    } catch (error) {
      return fail(400, { email, error: null, message: messageOf(error), sent: false });
    }
    return { email, error: null, message: null, sent: true };
  },
};
