// Who is signed in: the member session cookie is checked with the API once per request. Pages in
// the (app) group need a session; without one the person goes to sign-in and comes back after.
// The page's language: the member's choice, else the language switch's cookie, else the browser's
// Accept-Language, else English. The page is rendered in it on the server (<html lang>, texts).
import { redirect } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { memberCookie } from "@tally/api/client";
import { fromAcceptLanguage, isLang } from "@tally/ui/language";
import { languageCookie } from "#lib/language.js";
import { href } from "#lib/paths.js";
import { api, isUnauthorized } from "#lib/server/api.js";
import { inLocale } from "#lib/server/locale.js";

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.member = null;
  const chosen = event.cookies.get(languageCookie);
  event.locals.lang = isLang(chosen) ? chosen : (fromAcceptLanguage(event.request.headers.get("accept-language")) ?? "en");
  if (event.cookies.get(memberCookie)) {
    try {
      const client = api(event);
      const [me, language] = await Promise.all([client.auth.member.me.query(), client.members.myLanguage.query()]);
      event.locals.member = {
        id: me.id,
        firstName: me.firstName,
        status: me.status as PortalMember["status"],
        practiceId: me.practiceId,
        language,
      };
      if (language) event.locals.lang = language;
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      // An expired or revoked session: forget it so the sign-in page shows cleanly.
      event.cookies.delete(memberCookie, { path: "/" });
    }
  }
  if (event.route.id?.startsWith("/(app)") && !event.locals.member) {
    // A link that names the practice (a printed QR code) keeps naming it on the sign-in page.
    const practice = event.url.searchParams.get("practice");
    const also = practice ? `&practice=${encodeURIComponent(practice)}` : "";
    redirect(303, `${href("/")}?next=${encodeURIComponent(event.url.pathname + event.url.search)}${also}`);
  }
  const lang = event.locals.lang;
  const response = await inLocale(lang, () =>
    resolve(
      event,
      lang === "en" ? undefined : { transformPageChunk: ({ html }) => html.replace('<html lang="en">', `<html lang="${lang}">`) },
    ),
  );
  return secure(response, Boolean(event.locals.member || event.cookies.get(memberCookie)));
};

/** Headers for every page: no framing (with CSP frame-ancestors), no MIME sniffing; and a signed-in
 *  page is never stored (a shared computer's back button or a proxy must not show it again). */
function secure(response: Response, signedIn: boolean): Response {
  try {
    response.headers.set("x-frame-options", "DENY");
    response.headers.set("x-content-type-options", "nosniff");
    response.headers.set("referrer-policy", "same-origin");
    if (signedIn) response.headers.set("cache-control", "no-store");
  } catch {
    // Immutable headers (a fetched response passed through): leave them.
  }
  return response;
}
