// Dates and times for people, in the practice's timezone (never the server's or the browser's).
// Calendar arithmetic (local day, local midnight, adding days) lives in @tally/rules/time.

type DateLike = Date | string | number;

/** "Nov 23, 2026"; empty for no value. */
export function formatDate(value: DateLike | null | undefined, timeZone: string): string {
  if (value == null || value === "") return "";
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium" }).format(new Date(value));
}

/** "Nov 23, 2026, 4:05 PM"; empty for no value. */
export function formatDateTime(value: DateLike | null | undefined, timeZone: string): string {
  if (value == null || value === "") return "";
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

/** "4:05 PM". */
export function formatTime(value: DateLike, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "2-digit" }).format(new Date(value));
}
