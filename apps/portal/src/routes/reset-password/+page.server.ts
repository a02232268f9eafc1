import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { parseNewPassword } from "#lib/registration.js";
import { localRegistrationWords } from "#lib/registration-words.js";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

// The link in the reset email: /portal/reset-password?practice=<slug>&token=<token>.
export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get("token") ?? "" });

export const actions: Actions = {
  reset: async (event) => {
    const form = await event.request.formData();
    const token = String(form.get("token") ?? "");
    const { password, errors } = parseNewPassword(form, localRegistrationWords());
    if (Object.keys(errors).length > 0) return fail(400, { errors, message: null as string | null });
    try {
      await api(event).auth.member.resetPassword.mutate({ token, password });
    } catch (error) {
      return fail(400, { errors, message: messageOf(error) });
    }
    redirect(303, `${href("/")}?reset=1`);
  },
};
