// Plain words for the portal: each ledger line as a sentence ("+24 pts — visit on May 1"),
// dates in the practice's timezone, and progress toward the next reward. Pure, so it is tested.
import { formatDayTime, formatDay as formatDayWith, formatPoints } from "@tally/ui/format";
import { intlLocale, type Lang } from "@tally/ui/language";

/** May 1 (this year) or May 1, 2025, in the practice's timezone (the one formatter, @tally/ui/format). */
export function formatDay(at: Date | string, timeZone: string, now: Date = new Date(), locale?: string): string {
  return formatDayWith(at, timeZone, { now, ...(locale ? { locale } : {}) });
}

/** May 1, 3:05 PM in the practice's timezone (for expiries). */
export function formatDateTime(at: Date | string, timeZone: string, locale?: string): string {
  return formatDayTime(at, timeZone, locale ? { locale } : {});
}

const eventWordsEn: Record<string, string> = {
  "invoice.paid": "visit",
  "invoice.voided": "cancelled payment",
  "visit.checked_in": "check-in",
  "consent.given": "media consent",
  "survey.submitted": "treatment check",
  "referral.converted": "friend referred",
  "review.posted": "review",
  "qr.scanned": "QR code",
  "marketplace.participated": "taking part",
  "member.registered": "joining",
  "member.first_login": "first sign-in",
  "member.birthday": "birthday",
  "action.approved": "completed action",
};

export interface ActivityLine {
  kind: string;
  points: number;
  ruleName: string | null;
  note: string | null;
  eventType: string | null;
  at: Date | string;
}

const eventWordsEs: Record<string, string> = {
  "invoice.paid": "visita",
  "invoice.voided": "pago cancelado",
  "visit.checked_in": "llegada",
  "consent.given": "permiso de fotos",
  "survey.submitted": "control del tratamiento",
  "referral.converted": "amigo invitado",
  "review.posted": "reseña",
  "qr.scanned": "código QR",
  "marketplace.participated": "participación",
  "member.registered": "registro",
  "member.first_login": "primer inicio de sesión",
  "member.birthday": "cumpleaños",
  "action.approved": "acción completada",
};

const kindWords = {
  en: {
    redemption: "reward redeemed",
    refund: "points returned",
    added: "added by the practice",
    takenOff: "taken off by the practice",
    reversal: "payment cancelled",
    expiry: "points expired",
    milestone: "milestone reached",
    points: "points",
    on: (what: string, day: string) => `${what} on ${day}`,
  },
  es: {
    redemption: "premio canjeado",
    refund: "puntos devueltos",
    added: "añadidos por la consulta",
    takenOff: "quitados por la consulta",
    reversal: "pago cancelado",
    expiry: "puntos caducados",
    milestone: "meta alcanzada",
    points: "puntos",
    on: (what: string, day: string) => `${what} el ${day}`,
  },
} as const;

/** What happened, in a few words: "visit", "redeemed a reward", "added by the practice". */
export function activityWhat(line: ActivityLine, lang: Lang = "en"): string {
  const w = kindWords[lang];
  if (line.kind === "redemption") return w.redemption;
  if (line.kind === "refund") return w.refund;
  if (line.kind === "adjustment") return line.points >= 0 ? w.added : w.takenOff;
  if (line.kind === "reversal") return w.reversal;
  if (line.kind === "expiry") return w.expiry;
  if (line.kind === "milestone") return w.milestone;
  const events = lang === "es" ? eventWordsEs : eventWordsEn;
  return (line.eventType && events[line.eventType]) || w.points;
}

/** The reason shown under the line: the rule's name, or the staff note. */
export function activityWhy(line: ActivityLine): string | null {
  if (line.note) return line.note;
  if (line.ruleName) return line.ruleName;
  return null;
}

/** "+24 pts — visit on May 1" ("+24 puntos — visita el 1 may") */
export function activitySentence(line: ActivityLine, timeZone: string, now = new Date(), lang: Lang = "en"): string {
  const locale = intlLocale(lang);
  const day = formatDay(line.at, timeZone, now, locale);
  return `${formatPoints(line.points, { signed: true, locale })} — ${kindWords[lang].on(activityWhat(line, lang), day)}`;
}

export interface Priced {
  id: string;
  name: string;
  pointsPrice: number;
}

/**
 * The next reward to aim for: the cheapest one the balance does not cover yet; when everything
 * is affordable, the most expensive one (full ring). Null when the catalog is empty.
 */
export function nextReward<T extends Priced>(
  balance: number,
  rewards: readonly T[],
): { reward: T; needed: number; fraction: number } | null {
  if (rewards.length === 0) return null;
  const sorted = [...rewards].sort((a, b) => a.pointsPrice - b.pointsPrice);
  const target = sorted.find((r) => r.pointsPrice > balance) ?? sorted[sorted.length - 1]!;
  const needed = Math.max(0, target.pointsPrice - balance);
  const fraction = target.pointsPrice <= 0 ? 1 : Math.min(1, Math.max(0, balance / target.pointsPrice));
  return { reward: target, needed, fraction };
}

/** "You need 120 more points" ("Le faltan 120 puntos"); null when the balance covers it. */
export function shortBy(balance: number, price: number, lang: Lang = "en"): string | null {
  const needed = price - balance;
  if (needed <= 0) return null;
  const locale = intlLocale(lang);
  const count = new Intl.NumberFormat(locale).format(needed);
  const one = new Intl.PluralRules(locale).select(needed) === "one";
  return lang === "es"
    ? `Le ${one ? "falta" : "faltan"} ${count} ${one ? "punto" : "puntos"}`
    : `You need ${count} more ${one ? "point" : "points"}`;
}
