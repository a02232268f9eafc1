// Date-range inputs for the backtest: a calendar date in the practice's timezone to the UTC
// instant its day starts, and back. No date library: Intl gives the zone's offset.

/** Offset of `timeZone` from UTC at `instant`, in minutes (e.g. -360 for Chicago in winter). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

export const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** "2026-03-08" in America/Chicago -> the instant that day's midnight happens there. */
export function startOfDay(date: string, timeZone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`);
  // Two passes settle days where the offset changes (daylight saving).
  let t = guess.getTime() - offsetMinutes(guess, timeZone) * 60_000;
  t = guess.getTime() - offsetMinutes(new Date(t), timeZone) * 60_000;
  return new Date(t);
}

/** The calendar date after `date` ("2026-12-31" -> "2027-01-01"). */
export function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Today's calendar date in the timezone, `days` days ago when given. */
export function localDate(timeZone: string, now: Date = new Date(), daysAgo = 0): string {
  const d = new Date(now.getTime() - daysAgo * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

/** A date and time for people, in the practice's timezone: "Nov 23, 2026, 4:05 PM". */
export function formatDateTime(value: Date | string | null | undefined, timeZone: string): string {
  if (!value) return "";
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

export function formatDate(value: Date | string | null | undefined, timeZone: string): string {
  if (!value) return "";
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium" }).format(new Date(value));
}
