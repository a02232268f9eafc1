// Links inside the app from plain paths ("/members/123?tab=coupons"), with the /admin base.
// The app's root is "/admin/" (SvelteKit serves the base path's root with a trailing slash).
import { resolve } from "$app/paths";

export function href(path: string): string {
  return (resolve as (p: string) => string)(path.replace(/^\//, ""));
}
