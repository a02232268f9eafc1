// Which practice the portal is showing before anyone signs in: a link names it (?practice=slug,
// as invitation and reset emails do), the choice is remembered in a cookie, else the default.
import type { Cookies } from "@sveltejs/kit";
import { TALLY_PRACTICE } from "$app/env/private";

const cookieName = "tally_practice";
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

export function practiceSlug(url: URL, cookies: Cookies): string {
  const fromLink = url.searchParams.get("practice")?.trim().toLowerCase();
  if (fromLink && SLUG.test(fromLink)) {
    if (cookies.get(cookieName) !== fromLink) {
      cookies.set(cookieName, fromLink, {
        path: "/portal",
        httpOnly: true,
        sameSite: "lax",
        secure: url.protocol === "https:",
        maxAge: 60 * 60 * 24 * 365,
      });
    }
    return fromLink;
  }
  const remembered = cookies.get(cookieName);
  return remembered && SLUG.test(remembered) ? remembered : TALLY_PRACTICE;
}
