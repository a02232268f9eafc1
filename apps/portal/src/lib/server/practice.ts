// Which practice the portal is showing before anyone signs in: a link names it (?practice=slug,
// as invitation and reset emails do), the choice is remembered in a cookie, else the operator's
// TALLY_PRACTICE override, else the install's default practice (Settings → Practice "default
// practice", `pnpm tally practice default`). Null on an install that has none yet.
import type { Cookies } from "@sveltejs/kit";
import { api, PracticeNotSetUp } from "#lib/server/api.js";
import { TALLY_PRACTICE } from "$app/env/private";

const cookieName = "tally_practice";
const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The slug a link or the remembered choice names, or the TALLY_PRACTICE override; null when none does. */
export function namedPracticeSlug(url: URL, cookies: Cookies): string | null {
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
  if (remembered && SLUG.test(remembered)) return remembered;
  return TALLY_PRACTICE && SLUG.test(TALLY_PRACTICE) ? TALLY_PRACTICE : null;
}

type PortalEvent = Parameters<typeof api>[0] & { url: URL; cookies: Cookies };

/** The practice's slug: named (link, cookie, TALLY_PRACTICE) or the install's default; null when the install has none. */
export async function practiceSlug(event: PortalEvent): Promise<string | null> {
  const named = namedPracticeSlug(event.url, event.cookies);
  if (named) return named;
  const fallback = await api(event)
    .practice.default.query()
    .catch(() => null);
  return fallback?.slug ?? null;
}

/** For the forms: the practice's slug, or an error whose message the page shows. */
export async function requirePracticeSlug(event: PortalEvent): Promise<string> {
  const slug = await practiceSlug(event);
  if (!slug) throw new PracticeNotSetUp();
  return slug;
}
