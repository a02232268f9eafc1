// Links inside the app from plain paths ("/rewards?confirm=1"), with the /portal base.
import { resolve } from "$app/paths";

export function href(path: string): string {
  return (resolve as (p: string) => string)(path.replace(/^\//, ""));
}

/** Only paths inside the portal are followed after sign-in (never another site). */
export function safeNext(next: string | null, fallback: string): string {
  return next && next.startsWith("/portal/") && !next.startsWith("//") ? next : fallback;
}
