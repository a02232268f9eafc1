// What one check-in leaves behind on the kiosk's server, for a few minutes at most: the result to
// show once (a one-time flash, so neither back nor refresh brings it again) and the survey ticket.
// Kept in this process's memory under a random id in an HttpOnly cookie; nothing of the patient
// goes into a URL or the browser's storage.
import { randomBytes } from "node:crypto";
import type { Cookies } from "@sveltejs/kit";

const cookie = "tally_kiosk_visit";
const lifetimeMs = 5 * 60_000;

export interface Visit<W> {
  /** Shown once on the result screen, then gone. */
  welcome: W | null;
  /** Lets the patient take the compliance survey right after checking in. */
  surveyTicket: string | null;
  expires: number;
}

const visits = new Map<string, Visit<unknown>>();

function sweep(now: number) {
  for (const [id, v] of visits) if (v.expires <= now) visits.delete(id);
}

export function startVisit<W>(cookies: Cookies, welcome: W, surveyTicket: string | null, now = Date.now()): void {
  sweep(now);
  const old = cookies.get(cookie);
  if (old) visits.delete(old);
  const id = randomBytes(24).toString("base64url");
  visits.set(id, { welcome, surveyTicket, expires: now + lifetimeMs });
  cookies.set(cookie, id, { path: "/kiosk", httpOnly: true, sameSite: "strict", maxAge: lifetimeMs / 1000 });
}

function current<W>(cookies: Cookies, now: number): Visit<W> | null {
  const id = cookies.get(cookie);
  if (!id) return null;
  const v = visits.get(id);
  if (!v || v.expires <= now) {
    visits.delete(id);
    return null;
  }
  return v as Visit<W>;
}

/** The result to show, once. */
export function takeWelcome<W>(cookies: Cookies, now = Date.now()): { welcome: W; survey: boolean } | null {
  const v = current<W>(cookies, now);
  if (!v?.welcome) return null;
  const welcome = v.welcome;
  v.welcome = null;
  return { welcome, survey: v.surveyTicket !== null };
}

export function surveyTicket(cookies: Cookies, now = Date.now()): string | null {
  return current(cookies, now)?.surveyTicket ?? null;
}

/** Forgets the visit: the start screen calls this, so the next patient starts clean. */
export function endVisit(cookies: Cookies): void {
  const id = cookies.get(cookie);
  if (id) visits.delete(id);
  if (id !== undefined) cookies.delete(cookie, { path: "/kiosk" });
}
