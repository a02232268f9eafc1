// Local calendar dates in a practice's IANA timezone. Intl formatting is slow, so the UTC
// offset is cached per quarter hour (every real offset change falls on such a boundary; a
// bucket whose two ends disagree is never cached).

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

export function durationMs(amount: number, unit: "minute" | "hour" | "day"): number {
  return amount * (unit === "minute" ? 60_000 : unit === "hour" ? 3_600_000 : 86_400_000);
}
