// Formatters for the numbers Tally shows everywhere: points, money and time left.
// Money arrives as integer cents and is never turned into a float: Intl formats the exact decimal string.

export interface FormatOptions {
  /** BCP 47 locale; the three apps pass the user's language (en or es). */
  locale?: string;
}

/** 1250 -> "1,250 pts"; with `signed`, 24 -> "+24 pts" (for ledger lines). */
export function formatPoints(points: number, options: FormatOptions & { signed?: boolean } = {}): string {
  if (!Number.isSafeInteger(points)) throw new RangeError(`points must be an integer, got ${points}`);
  const number = new Intl.NumberFormat(options.locale ?? "en-US", {
    signDisplay: options.signed ? "exceptZero" : "auto",
  }).format(points);
  return `${number} ${Math.abs(points) === 1 ? "pt" : "pts"}`;
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
