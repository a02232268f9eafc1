// Formatters for the numbers Tally shows everywhere: points, money and time left.
// Money arrives as integer cents and is never turned into a float: Intl formats the exact decimal string.

export interface FormatOptions {
  /** BCP 47 locale; the three apps pass the user's language (en or es). */
  locale?: string;
}

const pointWords: Record<string, Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }> = {
  en: { one: "pt", other: "pts" },
  es: { one: "punto", other: "puntos" },
};

/** 1250 -> "1,250 pts" ("1,250 puntos" in es-US); with `signed`, 24 -> "+24 pts" (for ledger lines). */
export function formatPoints(points: number, options: FormatOptions & { signed?: boolean } = {}): string {
  if (!Number.isSafeInteger(points)) throw new RangeError(`points must be an integer, got ${points}`);
  const locale = options.locale ?? "en-US";
  const number = new Intl.NumberFormat(locale, {
    signDisplay: options.signed ? "exceptZero" : "auto",
  }).format(points);
  return `${number} ${pointsWord(points, { locale })}`;
}

/** The word after a number of points, in the locale's language and plural form: "pts", "punto". */
export function pointsWord(points: number, options: FormatOptions = {}): string {
  const locale = options.locale ?? "en-US";
  const words = pointWords[new Intl.Locale(locale).language] ?? pointWords.en!;
  return words[new Intl.PluralRules(locale).select(Math.abs(points))] ?? words.other;
}

/** Integer cents to currency: 125000 -> "$1,250.00", 125050 -> "$1,250.50". */
export function formatMoney(cents: number, options: FormatOptions & { currency?: string } = {}): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be an integer, got ${cents}`);
  const abs = Math.abs(cents);
  const decimal = `${cents < 0 ? "-" : ""}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  // Intl.NumberFormat formats numeric strings exactly (no binary floating point on the way).
  return new Intl.NumberFormat(options.locale ?? "en-US", {
    style: "currency",
    currency: options.currency ?? "USD",
  }).format(decimal as Intl.StringNumericLiteral);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relativeWords = {
  en: { now: "now", future: (s: string) => `in ${s}`, past: (s: string) => `${s} ago` },
  es: { now: "ahora", future: (s: string) => `en ${s}`, past: (s: string) => `hace ${s}` },
} as const;

/**
 * Compact relative time for countdowns and feeds: "in 3 h 12 min", "5 min ago", "in 2 d 4 h".
 * Rounds down so a countdown never promises more time than is left.
 */
export function formatRelative(target: Date | number, now: Date | number = Date.now(), options: { lang?: "en" | "es" } = {}): string {
  const words = relativeWords[options.lang ?? "en"];
  const diff = +target - +now;
  const abs = Math.abs(diff);
  if (abs < MINUTE) return words.now;

  const span = formatDuration(abs);
  return diff > 0 ? words.future(span) : words.past(span);
}

/**
 * A length of time in two units at most, rounded down: "3 h 12 min", "2 d 4 h", "45 min", "0 min"
 * (for "time left" labels, where the words around it are the caller's).
 */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, Math.abs(ms));
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / MINUTE);
  // Two units at most: beyond that the extra precision is noise on a kiosk or a phone.
  const parts =
    days > 0
      ? [`${days} d`, hours > 0 ? `${hours} h` : ""]
      : hours > 0
        ? [`${hours} h`, minutes > 0 ? `${minutes} min` : ""]
        : [`${minutes} min`];
  return parts.filter(Boolean).join(" ");
}

// ---- Dates, times, phones and check-in methods ------------------------------------------------
// The one place the three apps turn dates, phone numbers and method codes into words. Staff pages
// pass the practice's locale, patient pages the patient's language (`localeOf`), and every date is
// shown in the practice's timezone (never the server's or the browser's).

type DateLike = Date | string | number;

/** The BCP 47 locale for a language Tally speaks: "es" -> "es-US", anything else -> "en-US". */
export function localeOf(language: string | null | undefined): string {
  return language?.toLowerCase().startsWith("es") ? "es-US" : "en-US";
}

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A value as an instant; a calendar date ("2026-12-01") is that day, in any timezone. */
function instant(value: DateLike, timeZone: string): { date: Date; timeZone: string } {
  if (typeof value === "string" && CALENDAR_DATE.test(value)) return { date: new Date(`${value}T12:00:00Z`), timeZone: "UTC" };
  return { date: new Date(value), timeZone };
}

/** "Nov 23, 2026" ("23 nov 2026" in Spanish); empty for no value. A calendar date is not shifted. */
export function formatDate(value: DateLike | null | undefined, timeZone: string, options: FormatOptions = {}): string {
  if (value == null || value === "") return "";
  const at = instant(value, timeZone);
  return new Intl.DateTimeFormat(options.locale ?? "en-US", { timeZone: at.timeZone, dateStyle: "medium" }).format(at.date);
}

/** "Nov 23, 2026, 4:05 PM"; empty for no value. */
export function formatDateTime(value: DateLike | null | undefined, timeZone: string, options: FormatOptions = {}): string {
  if (value == null || value === "") return "";
  return new Intl.DateTimeFormat(options.locale ?? "en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

/** "4:05 PM". */
export function formatTime(value: DateLike, timeZone: string, options: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(options.locale ?? "en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(new Date(value));
}

/** "May 1" this year, "May 1, 2025" another year: short dates in lists and feeds. */
export function formatDay(value: DateLike, timeZone: string, options: FormatOptions & { now?: Date } = {}): string {
  const at = instant(value, timeZone);
  const locale = options.locale ?? "en-US";
  const year = new Intl.DateTimeFormat(locale, { timeZone: at.timeZone, year: "numeric" });
  const sameYear = year.format(at.date) === year.format(options.now ?? new Date());
  return new Intl.DateTimeFormat(locale, {
    timeZone: at.timeZone,
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(at.date);
}

/** "May 1, 3:05 PM": a moment in the next days or weeks (expiries). */
export function formatDayTime(value: DateLike, timeZone: string, options: FormatOptions = {}): string {
  return new Intl.DateTimeFormat(options.locale ?? "en-US", {
    timeZone,
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(new Date(value));
}

/**
 * A phone number as people write it: North American numbers (10 digits, or 11 starting with 1)
 * as "(217) 555-0101"; anything else as it was typed, trimmed. Empty for no value.
 */
export function formatPhone(raw: string | null | undefined): string {
  if (!raw) return "";
  const typed = raw.trim();
  const digits = typed.replace(/\D/g, "");
  // An international number other than +1 stays as typed.
  if (typed.startsWith("+") && !digits.startsWith("1")) return typed;
  const national = digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
  if (national.length === 10) return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
  return typed;
}

const methodWords = {
  en: { card: "Card", qr: "QR code", phone: "Phone and birth date", staff: "At the front desk", code: "Check-in code" },
  es: { card: "Tarjeta", qr: "Código QR", phone: "Teléfono y fecha de nacimiento", staff: "En recepción", code: "Código de registro" },
} as const;

/** A check-in method code in words: "qr" -> "QR code" ("Código QR"). An unknown code is capitalised. */
export function formatMethod(method: string | null | undefined, options: { lang?: "en" | "es" } = {}): string {
  if (!method) return "";
  const words = methodWords[options.lang ?? "en"] as Record<string, string>;
  return words[method] ?? method.charAt(0).toUpperCase() + method.slice(1).replace(/_/g, " ");
}
