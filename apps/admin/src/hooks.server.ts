// The guard for the (app) group: every page inside it needs a staff session. Without one the
// person goes to sign-in (and comes back afterwards); with a temporary password, to set their own;
// without the second factor their practice requires of them, to set it up.
import { redirect } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { href } from "#lib/paths.js";
import { api, appCodeOf, isUnauthorized } from "#lib/server/api.js";

export const handle: Handle = async ({ event, resolve: render }) => {
  event.locals.staff = null;
  const guarded = event.route.id?.startsWith("/(app)") || event.route.id === "/change-password" || event.route.id === "/enrol";
  if (guarded && event.cookies.get("tally_staff")) {
    try {
      const me = await api(event).auth.me.query();
      event.locals.staff = {
        id: me.id,
        name: me.name,
        email: me.email,
        role: me.role as StaffUser["role"],
        practiceId: me.practiceId,
        timezone: me.timezone,
        mustChangePassword: me.mustChangePassword,
        mustEnrol: me.mustEnrol,
        can: me.can,
      };
    } catch (error) {
      if (!isUnauthorized(error) && appCodeOf(error) !== "UNAUTHORIZED") throw error;
    }
  }
  if (guarded && !event.locals.staff) {
    const back = event.url.pathname + event.url.search;
    redirect(303, `${href("/sign-in")}?next=${encodeURIComponent(back)}`);
  }
  if (event.route.id?.startsWith("/(app)") && event.locals.staff?.mustChangePassword) {
    redirect(303, href("/change-password"));
  }
  if (event.route.id?.startsWith("/(app)") && event.locals.staff?.mustEnrol) {
    redirect(303, `${href("/enrol")}?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
  }
  return secure(await render(event), Boolean(event.locals.staff || event.cookies.get("tally_staff")));
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
