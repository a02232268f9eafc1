// The words of every email, text message and public message page, per language, from the
// catalogs in ./i18n (one JSON file per locale, the same keys in each: a test fails on a missing
// one, and the type below fails the build). A value is a text with {placeholders}, or one text per
// plural category (Intl.PluralRules of the locale, chosen by `count`). Numbers given as
// parameters are formatted with the locale; dates and money are formatted by the caller
// (formatDate, formatMoney) before they are placed.
import { formatNumber, intlLocale, type Locale } from "../i18n/locale.ts";
import en from "./i18n/en.json" with { type: "json" };
import es from "./i18n/es.json" with { type: "json" };

export type MessageTextKey = keyof typeof en;
type Plural = { other: string } & Partial<Record<Intl.LDMLPluralRule, string>>;
export type CatalogEntry = string | Plural;

export const messageCatalogs: Record<Locale, Record<MessageTextKey, CatalogEntry>> = { en, es };

export type TextParams = Record<string, string | number | null | undefined>;

/** The text of `key` in the locale, with its placeholders filled (numbers formatted for the locale). */
export function messageText(locale: Locale, key: MessageTextKey, params: TextParams = {}): string {
  const entry = messageCatalogs[locale][key] ?? messageCatalogs.en[key];
  const template =
    typeof entry === "string" ? entry : (entry[new Intl.PluralRules(intlLocale(locale)).select(Number(params.count ?? 0))] ?? entry.other);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined || v === null) return whole;
    return typeof v === "number" ? formatNumber(locale, v) : v;
  });
}

/** "1 point", "1,250 puntos". */
export const pointsText = (locale: Locale, n: number) => messageText(locale, "points", { count: n });
