// Local time in a practice's IANA timezone: the one home of these rules for the engine, core, the
// API's jobs and the apps (periods use the practice's zone, never the server's or the browser's).
// Intl formatting is slow, so the UTC offset is cached per quarter hour (every real offset change
// falls on such a boundary; a bucket whose two ends disagree is never cached).

const QUARTER = 15 * 60 * 1000;

export class LocalClock {
  readonly timezone: string;
  private format: Intl.DateTimeFormat;
  private offsets = new Map<number, number>();

  constructor(timezone: string) {
    this.timezone = timezone;
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  }

  /** Offset from UTC in ms at this instant (local = utc + offset). */
  private exactOffset(ms: number): number {
    const parts = this.format.formatToParts(new Date(ms));
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of parts) {
      if (p.type === "year") y = Number(p.value);
      else if (p.type === "month") mo = Number(p.value);
      else if (p.type === "day") d = Number(p.value);
      else if (p.type === "hour") h = Number(p.value);
      else if (p.type === "minute") mi = Number(p.value);
      else if (p.type === "second") s = Number(p.value);
    }
    const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
    return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
  }

  offset(ms: number): number {
    const bucket = Math.floor(ms / QUARTER);
    const cached = this.offsets.get(bucket);
    if (cached !== undefined) return cached;
    const a = this.exactOffset(bucket * QUARTER);
    const b = this.exactOffset(bucket * QUARTER + QUARTER - 1);
    if (a !== b) return this.exactOffset(ms);
    if (this.offsets.size > 50_000) this.offsets.clear();
    this.offsets.set(bucket, a);
    return a;
  }

  /** Local date "YYYY-MM-DD". */
  date(ms: number): string {
    return isoDate(new Date(ms + this.offset(ms)));
  }

  /** Local hour of the day, 0-23. */
  hour(ms: number): number {
    return new Date(ms + this.offset(ms)).getUTCHours();
  }

  /**
   * The instant of a local wall-clock time (given as ms since the epoch, as if it were UTC). A time
   * skipped by a daylight-saving change moves forward by the gap; a repeated one takes its first
   * occurrence (SPEC 7).
   */
  fromLocal(local: number): number {
    const before = this.offset(local - 86_400_000);
    const after = this.offset(local + 86_400_000);
    const a = local - before;
    const b = local - after;
    const aOk = a + this.offset(a) === local;
    const bOk = b + this.offset(b) === local;
    if (aOk && bOk) return Math.min(a, b);
    if (aOk) return a;
    if (bOk) return b;
    return a; // in a gap: the earlier offset carries it past the change, forward by the gap
  }

  /** `months` calendar months after an instant: the same local day and time, clamped to the month's last day. */
  addMonths(ms: number, months: number): number {
    const local = ms + this.offset(ms);
    const d = new Date(local);
    const timeOfDay = local - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
    const y = Math.floor(total / 12);
    const m = total - y * 12;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const day = Math.min(d.getUTCDate(), last);
    const target = Date.UTC(y, m, day) + timeOfDay;
    // Date.UTC maps years 0-99 to 1900-1999; set the year explicitly for them.
    const fixed = y >= 0 && y < 100 ? new Date(target).setUTCFullYear(y) : target;
    return this.fromLocal(fixed);
  }

  /** The instant local midnight starts `date` (YYYY-MM-DD); two passes settle a DST change. */
  startOfDay(date: string): Date {
    const guess = Date.parse(`${date}T00:00:00Z`);
    let t = guess - this.offset(guess);
    t = guess - this.offset(t);
    return new Date(t);
  }
}

function isoDate(d: Date): string {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${day < 10 ? "0" : ""}${day}`;
}

/** The Monday starting the week of a local date. */
export function weekStart(date: string): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  const dow = new Date(t).getUTCDay(); // 0 = Sunday
  const back = (dow + 6) % 7;
  return isoDate(new Date(t - back * 86_400_000));
}

const clocks = new Map<string, LocalClock>();
export function clockFor(timezone: string): LocalClock {
  let c = clocks.get(timezone);
  if (!c) {
    c = new LocalClock(timezone);
    clocks.set(timezone, c);
  }
  return c;
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Whole years between a birthday and a local date. */
export function ageOn(birthday: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthday.slice(0, 4));
  return date.slice(5) < birthday.slice(5) ? years - 1 : years;
}

export type DurationUnitName = "minute" | "hour" | "day" | "week" | "month";

/** A fixed-length duration in ms (`month` is calendar-based: use addDuration for it). */
export function durationMs(amount: number, unit: Exclude<DurationUnitName, "month">): number {
  return amount * (unit === "minute" ? 60_000 : unit === "hour" ? 3_600_000 : unit === "day" ? 86_400_000 : 604_800_000);
}

/** An instant plus a duration: minutes, hours, days (24 hours), weeks (7 × 24 hours) or calendar months in the zone. */
export function addDuration(ms: number, amount: number, unit: DurationUnitName, clock: LocalClock): number {
  return unit === "month" ? clock.addMonths(ms, amount) : ms + durationMs(amount, unit);
}

/** An instant as the types that cross the wire carry it (Date, ISO string or epoch ms). */
export type Instant = Date | string | number;

const msOf = (at: Instant) => (at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at));

/** The calendar date (YYYY-MM-DD) of an instant in the zone. */
export function localDate(at: Instant, timezone: string): string {
  return clockFor(timezone).date(msOf(at));
}

/** The hour of the day (0-23) of an instant in the zone. */
export function localHour(at: Instant, timezone: string): number {
  return clockFor(timezone).hour(msOf(at));
}

/** The UTC instant local midnight starts `date` (YYYY-MM-DD) in the zone. */
export function startOfLocalDay(date: string, timezone: string): Date {
  return clockFor(timezone).startOfDay(date);
}

/**
 * The instants of local days `from` to `to` (YYYY-MM-DD, both included) in the zone: from the
 * first day's midnight up to, not including, the midnight after the last day.
 */
export function localDaysSpan(from: string, to: string, timezone: string): { start: Date; end: Date } {
  const clock = clockFor(timezone);
  return { start: clock.startOfDay(from), end: clock.startOfDay(addDays(to, 1)) };
}

/** The calendar date `days` days after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + days);
  return isoDate(new Date(t));
}

/** A YYYY-MM-DD string that names a real calendar date. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return isoDate(d) === s;
}
