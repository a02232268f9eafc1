import { fail, redirect } from "@sveltejs/kit";
import { sessionCookieOptions, staffCookie } from "@tally/api/client";
import { href } from "#lib/paths.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { challengeCookie, parseSignIn, type SignInResult, safeNext } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

// An install without a practice has nobody to sign in yet: the setup page explains what to do.
export const load: PageServerLoad = async (event) => {
  const status = await api(event)
    .practice.setupStatus.query()
    .catch(() => ({ needed: false }));
  if (status.needed) redirect(303, href("/setup"));
};

export const actions: Actions = {
  signIn: async (event) => {
    const { request, cookies, url } = event;
    const { values, errors, password } = parseSignIn(await request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, message: null });

    let result: Awaited<ReturnType<ReturnType<typeof api>["auth"]["signIn"]["mutate"]>>;
    try {
      result = await api(event).auth.signIn.mutate({ email: values.email, password });
    } catch (error) {
      const code = appCodeOf(error);
      const message =
        code === "UNAUTHORIZED"
          ? "That email and password do not match. Check them and try again."
          : code === "LOCKED"
            ? "Too many failed sign-ins. Wait 15 minutes or ask an admin of your practice to reset your password."
            : messageOf(error);
      return fail(code === "UNAUTHORIZED" ? 400 : 403, { values, errors: {} as SignInResult["errors"], message });
    }
    const next = safeNext(url.searchParams.get("next"), href("/"));
    const onward = (path: string) => (next ? `${href(path)}?next=${encodeURIComponent(next)}` : href(path));
    // With a second factor, the password earns a challenge (kept in its own short-lived cookie)
    // that the code page turns into a session.
    if (result.secondFactorRequired) {
      cookies.set(challengeCookie, result.challenge, {
        ...sessionCookieOptions(url.protocol === "https:"),
        expires: new Date(result.challengeExpiresAt),
      });
      redirect(303, onward("/second-factor"));
    }
    cookies.set(staffCookie, result.token, {
      ...sessionCookieOptions(url.protocol === "https:"),
      expires: new Date(result.expiresAt),
    });
    // Only paths inside this app are followed (never another site); a temporary password first
    // goes through change-password, then a required second factor through its setup, which
    // then continue to the same page.
    if (result.mustChangePassword) redirect(303, onward("/change-password"));
    if (result.mustEnrol) redirect(303, onward("/enrol"));
    redirect(303, next ?? href("/"));
  },
};
