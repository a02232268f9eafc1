// Links inside the app from plain paths ("/rewards?confirm=1"), with the /portal base.
import { resolve } from "$app/paths";

export function href(path: string): string {
  return (resolve as (p: string) => string)(path.replace(/^\//, ""));
}

/** Only paths inside the portal are followed after sign-in (never another site). */
export function safeNext(next: string | null, fallback: string): string {
  return next?.startsWith("/portal/") ? next : fallback;
}

/**
 * A form action URL that keeps the page's query (token, practice, next): a plain "?/name"
 * would drop it, and the page reloaded after a failed post would lose its token.
 */
export function actionUrl(search: Iterable<[string, string]>, name: string): string {
  // One-off notices ("signed out", "password reset") are not carried into the post.
  const kept = new URLSearchParams([...search].filter(([key]) => !key.startsWith("/") && key !== "signed-out" && key !== "reset"));
  const query = kept.toString();
  return `?${query ? `${query}&` : ""}/${name}`;
}
