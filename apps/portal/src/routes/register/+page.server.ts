import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { parseContactForm } from "#lib/registration.js";
import { localRegistrationWords } from "#lib/registration-words.js";
import { api, messageOf, setMemberSession } from "#lib/server/api.js";
import { requirePracticeSlug } from "#lib/server/practice.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.member) redirect(303, href("/home"));
  return { note: url.searchParams.get("note") ?? "", referralToken: url.searchParams.get("referral") ?? "" };
};

// "I never received a number or code": a lead with limited access, signed in right away.
export const actions: Actions = {
  contact: async (event) => {
    const form = await event.request.formData();
    const { values, password, errors } = parseContactForm(form, new Date(), localRegistrationWords());
    // From a friend's referral link (join/[token]); the API ignores a token that is not valid.
    const referralToken = String(form.get("referralToken") ?? "").trim();
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, message: null as string | null });
    try {
      const session = await api(event).auth.member.register.mutate({
        practice: await requirePracticeSlug(event),
        firstName: values.firstName,
        lastName: values.lastName,
        email: values.email,
        phone: values.phone || undefined,
        birthday: values.birthday || undefined,
        note: values.note || undefined,
        referralToken: referralToken || undefined,
        password,
      });
      setMemberSession(event.cookies, event.url, session);
    } catch (error) {
      return fail(400, { values, errors, message: messageOf(error) });
    }
    redirect(303, href("/home"));
  },
};
