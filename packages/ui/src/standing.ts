// A member's standing in plain words (SPEC 7): the tier as of now and what the next one needs,
// the points that expire next, points not yet available. One wording for the portal, the kiosk
// and the admin profile; the numbers come from core's standingOf.
import { formatDate, formatMoney, formatPoints } from "./format.ts";
import { intlLocale, type Lang } from "./language.ts";

export interface Standing {
  tier: {
    name: string;
    by: "spend" | "points" | "visits";
    months: number;
    value: number;
    multiplier: number;
    next: { tier: string; from: number; needed: number } | null;
  } | null;
  expiring: { points: number; at: string }[];
  notYetAvailable: { points: number; at: string }[];
}

/** A count with its noun in the language's plural form: "1 month", "3 meses". */
const counted = (lang: Lang, n: number, forms: Record<Lang, [one: string, other: string]>) => {
  const [one, other] = forms[lang];
  const count = new Intl.NumberFormat(intlLocale(lang)).format(n);
  return `${count} ${new Intl.PluralRules(intlLocale(lang)).select(n) === "one" ? one : other}`;
};
const months = (n: number, lang: Lang) => counted(lang, n, { en: ["month", "months"], es: ["mes", "meses"] });
const visits = (n: number, lang: Lang) => counted(lang, n, { en: ["visit", "visits"], es: ["visita", "visitas"] });

const words = {
  en: {
    spent: (v: string) => `${v} spent`,
    earned: (v: string) => `${v} earned`,
    inTheLast: (what: string, span: string) => `${what} in the last ${span}`,
    spend: (v: string) => `Spend ${v} more`,
    earn: (v: string) => `Earn ${v} more`,
    moreVisits: (v: string) => `${v} more`,
    toReach: (more: string, tier: string) => `${more} to reach ${tier}`,
    multiplier: (x: string) => `×${x} points`,
    expire: (p: string, d: string) => `${p} expire on ${d}`,
    usable: (p: string, d: string) => `${p} can be used from ${d}`,
  },
  es: {
    spent: (v: string) => `${v} gastados`,
    earned: (v: string) => `${v} ganados`,
    inTheLast: (what: string, span: string) => `${what} en los últimos ${span}`,
    spend: (v: string) => `Gaste ${v} más`,
    earn: (v: string) => `Gane ${v} más`,
    moreVisits: (v: string) => `${v} más`,
    toReach: (more: string, tier: string) => `${more} para llegar a ${tier}`,
    multiplier: (x: string) => `×${x} puntos`,
    expire: (p: string, d: string) => `${p} caducan el ${d}`,
    usable: (p: string, d: string) => `${p} se podrán usar desde el ${d}`,
  },
} as const;

/** "$1,250.00 spent in the last 12 months" / "340 pts earned …" / "3 visits …". */
export function tierValueText(t: NonNullable<Standing["tier"]>, lang: Lang = "en"): string {
  const w = words[lang];
  const locale = intlLocale(lang);
  const what =
    t.by === "spend"
      ? w.spent(formatMoney(t.value, { locale }))
      : t.by === "points"
        ? w.earned(formatPoints(t.value, { locale }))
        : visits(t.value, lang);
  return w.inTheLast(what, months(t.months, lang));
}

/** "Spend $250.00 more to reach Gold" / "Earn 60 pts more …" / "2 more visits …"; null at the top tier. */
export function nextTierText(t: NonNullable<Standing["tier"]>, lang: Lang = "en"): string | null {
  if (!t.next) return null;
  const w = words[lang];
  const locale = intlLocale(lang);
  const n = t.next.needed;
  const more =
    t.by === "spend"
      ? w.spend(formatMoney(n, { locale }))
      : t.by === "points"
        ? w.earn(formatPoints(n, { locale }))
        : w.moreVisits(visits(n, lang));
  return w.toReach(more, t.next.tier);
}

/** "×1.25 points" for a multiplier above 1, else null. */
export function multiplierText(t: NonNullable<Standing["tier"]>, lang: Lang = "en"): string | null {
  return t.multiplier > 100 ? words[lang].multiplier(new Intl.NumberFormat(intlLocale(lang)).format(t.multiplier / 100)) : null;
}

/** "120 pts expire on Jan 10, 2027". */
export const expiringText = (x: { points: number; at: string }, timeZone: string, lang: Lang = "en") =>
  words[lang].expire(formatPoints(x.points, { locale: intlLocale(lang) }), formatDate(x.at, timeZone, { locale: intlLocale(lang) }));

/** "20 pts can be used from Mar 1, 2026". */
export const notYetAvailableText = (x: { points: number; at: string }, timeZone: string, lang: Lang = "en") =>
  words[lang].usable(formatPoints(x.points, { locale: intlLocale(lang) }), formatDate(x.at, timeZone, { locale: intlLocale(lang) }));
