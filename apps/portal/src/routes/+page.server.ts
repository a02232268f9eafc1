import { fail, redirect } from "@sveltejs/kit";
import { href, safeNext } from "#lib/paths.js";
import { api, appCodeOf, messageOf, setMemberSession } from "#lib/server/api.js";
import { requirePracticeSlug } from "#lib/server/practice.js";
import { parseCardSignIn, parseEmailSignIn } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.member) redirect(303, safeNext(url.searchParams.get("next"), href("/home")));
  return { reset: url.searchParams.get("reset") === "1", signedOut: url.searchParams.get("signed-out") === "1" };
};

function signInMessage(error: unknown, method: "email" | "card") {
  const code = appCodeOf(error);
  if (code === "UNAUTHORIZED") {
    return method === "email"
      ? "That email and password do not match. Check them, or use “Forgot your password?” below."
      : "We could not find a card with that number and date of birth. Check both, or sign in with your email.";
  }
  if (code === "LOCKED") return "Too many tries. Please wait 15 minutes, or ask at the front desk.";
  return messageOf(error);
}

export const actions: Actions = {
  email: async (event) => {
    const { values, errors, password } = parseEmailSignIn(await event.request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { method: "email" as const, values, errors });
    try {
      const practice = await requirePracticeSlug(event);
      const session = await api(event).auth.member.signIn.mutate({ practice, email: values.email, password });
      setMemberSession(event.cookies, event.url, session);
    } catch (error) {
      return fail(400, { method: "email" as const, values, errors, message: signInMessage(error, "email") });
    }
    redirect(303, safeNext(event.url.searchParams.get("next"), href("/home")));
  },
  card: async (event) => {
    const { values, errors } = parseCardSignIn(await event.request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { method: "card" as const, values, errors });
    try {
      const practice = await requirePracticeSlug(event);
      const session = await api(event).auth.member.signIn.mutate({ practice, cardNumber: values.cardNumber, birthday: values.birthDate });
      setMemberSession(event.cookies, event.url, session);
    } catch (error) {
      return fail(400, { method: "card" as const, values, errors, message: signInMessage(error, "card") });
    }
    redirect(303, safeNext(event.url.searchParams.get("next"), href("/home")));
  },
};
