import { fail, redirect } from "@sveltejs/kit";
import { m } from "#lib/paraglide/messages.js";
import { href } from "#lib/paths.js";
import { parseNewPassword } from "#lib/registration.js";
import { localRegistrationWords } from "#lib/registration-words.js";
import { api, appCodeOf, messageOf, setMemberSession } from "#lib/server/api.js";
import { requirePracticeSlug } from "#lib/server/practice.js";
import type { Actions, PageServerLoad } from "./$types";

// The link in the invitation email: /portal/invite?practice=<slug>&token=<token>.
export const load: PageServerLoad = ({ url }) => {
  const token = url.searchParams.get("token") ?? "";
  return { token, valid: token.length >= 20 };
};

export const actions: Actions = {
  accept: async (event) => {
    const form = await event.request.formData();
    const token = String(form.get("token") ?? "");
    const { password, errors } = parseNewPassword(form, localRegistrationWords());
    if (Object.keys(errors).length > 0) return fail(400, { errors, message: null as string | null });
    try {
      const session = await api(event).auth.member.acceptInvitation.mutate({
        practice: await requirePracticeSlug(event),
        token,
        password,
      });
      setMemberSession(event.cookies, event.url, session);
    } catch (error) {
      const code = appCodeOf(error);
      const message = code === "NOT_FOUND" ? m.inviteNotValid() : code === "CONFLICT" ? messageOf(error) : messageOf(error);
      return fail(400, { errors, message });
    }
    redirect(303, `${href("/home")}?welcome=1`);
  },
};
