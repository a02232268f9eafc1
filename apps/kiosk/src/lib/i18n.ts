// The kiosk speaks English and Spanish; every screen has the switch. The texts are Paraglide
// messages (messages/<locale>.json, `m.key()`); this module decides which language a screen is in.

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/**
 * The screen language: the switch's choice in the URL (`?lang=es`) wins, then the practice's
 * language (a paired kiosk), then the browser's Accept-Language, then English. It lives in the URL
 * rather than a cookie on purpose: when the kiosk goes back to its start screen (no `?lang=`) the
 * next patient starts in the practice's language again.
 */
export function negotiateLanguage(input: { query?: string | null; practice?: string | null; acceptLanguage?: string | null }): Lang {
  if (isLang(input.query)) return input.query;
  if (isLang(input.practice)) return input.practice;
  const preferred = (input.acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.split("-")[0]?.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .find((entry) => isLang(entry.lang));
  return (preferred?.lang as Lang | undefined) ?? "en";
}

/** Initials for the logo placeholder until practices upload a logo: "Bright Smiles Orthodontics" -> "BS". */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join("");
}

/** A kiosk link that keeps the chosen language for the rest of this patient's visit. The start
 *  screen without it (`resolve("/")`, where a visit ends and the idle timer goes) is in the
 *  practice's language. */
export function withLang(path: string, lang: Lang): string {
  return `${path}?lang=${lang}`;
}

/** The number formatting locale for a screen language. */
export const localeOf = (lang: Lang) => (lang === "es" ? "es-US" : "en-US");
