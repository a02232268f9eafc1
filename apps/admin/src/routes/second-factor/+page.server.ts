import { fail, redirect } from "@sveltejs/kit";
import { sessionCookieOptions, staffCookie } from "@tally/api/client";
import { href } from "#lib/paths.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { challengeCookie, safeNext } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

// The second step of a sign-in: the password page left a challenge in its cookie.
export const load: PageServerLoad = ({ cookies, url }) => {
  if (!cookies.get(challengeCookie)) redirect(303, `${href("/sign-in")}${url.search}`);
  return {};
};

export const actions: Actions = {
  default: async (event) => {
    const { cookies, url } = event;
    const code = String((await event.request.formData()).get("code") ?? "").trim();
    const challenge = cookies.get(challengeCookie);
    if (!challenge) redirect(303, href("/sign-in"));
    if (!code) return fail(400, { error: "Enter the 6-digit code from your authenticator app, or a recovery code." });
    let result: Awaited<ReturnType<ReturnType<typeof api>["security"]["completeSignIn"]["mutate"]>>;
    try {
      result = await api(event).security.completeSignIn.mutate({ challenge, code });
    } catch (error) {
      const appCode = appCodeOf(error);
      if (appCode === "UNAUTHORIZED" && /expired/.test(messageOf(error))) {
        cookies.delete(challengeCookie, { path: "/" });
        redirect(303, href("/sign-in"));
      }
      return fail(400, { error: messageOf(error) });
    }
    cookies.delete(challengeCookie, { path: "/" });
    cookies.set(staffCookie, result.token, {
      ...sessionCookieOptions(url.protocol === "https:"),
      expires: new Date(result.expiresAt),
    });
    const next = safeNext(url.searchParams.get("next"), href("/"));
    if (result.mustChangePassword)
      redirect(303, next ? `${href("/change-password")}?next=${encodeURIComponent(next)}` : href("/change-password"));
    redirect(303, next ?? href("/"));
  },
};
