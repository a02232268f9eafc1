// Admin-only pages refuse team members before anything loads: a 403 that (app)/+error.svelte shows
// inside the app's frame, saying what the page is for and what to do instead (never a bare 403).
import { error } from "@sveltejs/kit";

interface EventLike {
  locals: App.Locals;
}

export function requireAdmin(event: EventLike, what: string): void {
  if (event.locals.staff?.role !== "admin") error(403, { message: `${what} are managed by an admin of your practice.`, adminOnly: true });
}
