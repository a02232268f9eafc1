// The language a patient's screen is in, as the request says it: the `x-locale` header, else the
// apps' locale cookie (Paraglide's PARAGLIDE_LOCALE). Verbs return the practice's own texts
// (reward names, prompts, questions) in it when translated.
import { isLocale, type Locale, memberLocales } from "@tally/core";
import type { Db } from "@tally/db";

export function requestedLocale(req: Request): Locale | undefined {
  const header = req.headers.get("x-locale")?.trim().toLowerCase().split(/[-_]/)[0];
  if (isLocale(header)) return header;
  const cookie = /(?:^|;\s*)PARAGLIDE_LOCALE=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
  return isLocale(cookie) ? cookie : undefined;
}

/** A member's screen language: the request's, else the language they chose (else unset). */
export async function memberRequestLocale(db: Db, req: Request, memberId: string): Promise<Locale | undefined> {
  return requestedLocale(req) ?? (await memberLocales(db, [memberId])).get(memberId);
}
