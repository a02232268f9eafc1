// The languages patients read (English, Spanish) and formatting by locale: numbers, money, dates
// and plurals go through Intl with the locale, never by building strings. US practices: the
// region is the US in both languages (es-US writes $1,234.50 and "24 de diciembre de 2026").
export const locales = ["en", "es"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "en";

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (locales as readonly string[]).includes(v);

/** A stored or requested language as a Locale ("es-MX" reads as "es"), else the fallback. */
export const toLocale = (v: unknown, fallback: Locale = defaultLocale): Locale => {
  if (typeof v !== "string") return fallback;
  const base = v.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(base) ? base : fallback;
};

/** The BCP 47 tag Intl formats with. */
export const intlLocale = (l: Locale): string => (l === "es" ? "es-US" : "en-US");

export const formatNumber = (l: Locale, n: number) => new Intl.NumberFormat(intlLocale(l)).format(n);

export const formatMoney = (l: Locale, cents: number, currency = "USD") =>
  new Intl.NumberFormat(intlLocale(l), { style: "currency", currency }).format(cents / 100);

/** An instant as a long date in the practice's zone ("December 24, 2026", "24 de diciembre de 2026"). */
export const formatDate = (l: Locale, at: Date | string, timeZone: string) => {
  const d = typeof at === "string" ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(at) ? `${at}T12:00:00Z` : at) : at;
  if (Number.isNaN(d.getTime())) return "";
  // A calendar date (no time) is that day wherever the practice is.
  const zone = typeof at === "string" && /^\d{4}-\d{2}-\d{2}$/.test(at) ? "UTC" : timeZone;
  return new Intl.DateTimeFormat(intlLocale(l), { dateStyle: "long", timeZone: zone }).format(d);
};

export const pluralCategory = (l: Locale, n: number) => new Intl.PluralRules(intlLocale(l)).select(n);

/** A practice's own text in other languages, by language then field: `{ es: { name: "…" } }`.
 *  The text itself (the column) is in the practice's default language. */
export type Translations = Partial<Record<Locale, Record<string, string>>>;

/** The field in the locale, else the text as written (the practice's default language). */
export function localized(text: string, translations: Translations | null | undefined, locale: Locale | null | undefined, field: string) {
  const t = locale ? translations?.[locale]?.[field]?.trim() : undefined;
  return t || text;
}

/** Keeps only known locales and non-empty strings (what an admin form sends). */
export function cleanTranslations(t: Translations | null | undefined): Translations {
  const out: Translations = {};
  for (const l of locales) {
    const fields = Object.entries(t?.[l] ?? {})
      .map(([k, v]) => [k, typeof v === "string" ? v.trim() : ""] as const)
      .filter(([, v]) => v !== "");
    if (fields.length > 0) out[l] = Object.fromEntries(fields);
  }
  return out;
}
