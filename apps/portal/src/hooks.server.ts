// Who is signed in: the member session cookie is checked with the API once per request. Pages in
// the (app) group need a session; without one the person goes to sign-in and comes back after.
import { redirect } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { memberCookie } from "@tally/api/client";
import { href } from "#lib/paths.js";
import { api, isUnauthorized } from "#lib/server/api.js";

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.member = null;
  if (event.cookies.get(memberCookie)) {
    try {
      const me = await api(event).auth.member.me.query();
      event.locals.member = { id: me.id, firstName: me.firstName, status: me.status as PortalMember["status"], practiceId: me.practiceId };
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
  return resolve(event);
};
