// The guard for the (app) group: every page inside it needs a staff session. Without one the
// person goes to sign-in (and comes back afterwards); with a temporary password, to set their own.
import { redirect } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { href } from "#lib/paths.js";
import { api, appCodeOf, isUnauthorized } from "#lib/server/api.js";

export const handle: Handle = async ({ event, resolve: render }) => {
  event.locals.staff = null;
  const guarded = event.route.id?.startsWith("/(app)") || event.route.id === "/change-password";
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
  return render(event);
};
