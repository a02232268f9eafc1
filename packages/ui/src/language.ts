// The languages patients read, and which one a browser asks for. The portal and the kiosk decide a
// page's language with these (the member's choice, the switch, then the browser's Accept-Language);
// Intl formats numbers, money and dates in the US region of that language.

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/** The first language of an Accept-Language header that we speak (or of `supported`), by its weights; null if none. */
export function fromAcceptLanguage<L extends string = Lang>(
  header: string | null | undefined,
  supported: readonly L[] = LANGS as readonly string[] as readonly L[],
): L | null {
  const preferred = (header ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.find((p) => p.trim().startsWith("q="));
      return { lang: tag.split("-")[0]?.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .find((entry) => (supported as readonly (string | undefined)[]).includes(entry.lang));
  return (preferred?.lang as L | undefined) ?? null;
}

/** The locale Intl formats with: US practices, so "es-US" ($1,234.50, 1,234 puntos, 6 dic 2026). */
export const intlLocale = (lang: Lang) => (lang === "es" ? "es-US" : "en-US");
