import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateTime,
  formatDay,
  formatDayTime,
  formatDuration,
  formatMethod,
  formatMoney,
  formatPhone,
  formatPoints,
  formatRelative,
  formatTime,
  localeOf,
} from "./format.ts";

describe("formatPoints", () => {
  it.each([
    [1250, "1,250 pts"],
    [0, "0 pts"],
    [1, "1 pt"],
    [-1, "-1 pt"],
    [1_000_000, "1,000,000 pts"],
  ])("%i -> %s", (points, expected) => {
    expect(formatPoints(points)).toBe(expected);
  });

  it("shows a sign for ledger lines when asked", () => {
    expect(formatPoints(24, { signed: true })).toBe("+24 pts");
    expect(formatPoints(-120, { signed: true })).toBe("-120 pts");
    expect(formatPoints(0, { signed: true })).toBe("0 pts");
  });

  it("speaks the locale's language, with its plural forms and digit grouping", () => {
    expect(formatPoints(1234, { locale: "es-US" })).toBe("1,234 puntos");
    expect(formatPoints(1, { locale: "es-US" })).toBe("1 punto");
    expect(formatPoints(0, { locale: "es-US" })).toBe("0 puntos");
    expect(formatPoints(-1, { locale: "es-US", signed: true })).toBe("-1 punto");
    expect(formatPoints(12345, { locale: "es" })).toBe("12.345 puntos");
  });

  it("rejects fractional points", () => {
    expect(() => formatPoints(1.5)).toThrow(RangeError);
  });
});

describe("formatMoney", () => {
  it.each([
    [125000, "$1,250.00"],
    [125050, "$1,250.50"],
    [0, "$0.00"],
    [5, "$0.05"],
    [99, "$0.99"],
    [-1250, "-$12.50"],
    [123456789012, "$1,234,567,890.12"],
  ])("%i cents -> %s", (cents, expected) => {
    expect(formatMoney(cents)).toBe(expected);
  });

  it("keeps cents exact where float division would not", () => {
    // Floating point would wobble on values like these; the integer path cannot.
    expect(formatMoney(1005)).toBe("$10.05");
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe("$90,071,992,547,409.91");
  });

  it("rejects non-integer cents", () => {
    expect(() => formatMoney(12.5)).toThrow(RangeError);
  });
});

describe("formatRelative", () => {
  const now = Date.UTC(2026, 4, 1, 12, 0, 0);
  const min = 60_000;

  it.each([
    [(3 * 60 + 12) * min, "in 3 h 12 min"],
    [3 * 60 * min, "in 3 h"],
    [45 * min, "in 45 min"],
    [30_000, "now"],
    [-5 * min, "5 min ago"],
    [(2 * 24 * 60 + 4 * 60 + 30) * min, "in 2 d 4 h"],
    [-3 * 24 * 60 * min, "3 d ago"],
  ])("%i ms from now -> %s", (offset, expected) => {
    expect(formatRelative(now + offset, now)).toBe(expected);
  });

  it("rounds down so a countdown never overstates time left", () => {
    expect(formatRelative(now + 12 * min + 59_000, now)).toBe("in 12 min");
  });

  it("speaks Spanish for the kiosk", () => {
    expect(formatRelative(now + (3 * 60 + 12) * min, now, { lang: "es" })).toBe("en 3 h 12 min");
    expect(formatRelative(now - 5 * min, now, { lang: "es" })).toBe("hace 5 min");
  });

  it("accepts Date objects", () => {
    expect(formatRelative(new Date(now + 90 * min), new Date(now))).toBe("in 1 h 30 min");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 min"],
    [59_000, "0 min"],
    [45 * 60_000, "45 min"],
    [(3 * 60 + 12) * 60_000, "3 h 12 min"],
    [48 * 3_600_000 - 60_000, "1 d 23 h"],
    [2 * 86_400_000, "2 d"],
  ])("%i ms -> %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("dates and times in the practice's timezone and the reader's locale", () => {
  const at = "2026-11-23T22:05:00Z"; // 4:05 PM in Chicago
  const tz = "America/Chicago";

  it("formats in English for staff and in Spanish for a patient who chose it", () => {
    expect(formatDate(at, tz)).toBe("Nov 23, 2026");
    expect(formatDateTime(at, tz)).toBe("Nov 23, 2026, 4:05 PM");
    expect(formatTime(at, tz)).toBe("4:05 PM");
    expect(formatDayTime(at, tz)).toBe("Nov 23, 4:05 PM");
    const es = { locale: localeOf("es") };
    expect(formatDate(at, tz, es)).toBe("23 nov 2026");
    expect(formatDay(at, tz, { ...es, now: new Date("2026-12-01T00:00:00Z") })).toMatch(/^23 nov\.?$/);
    expect(formatTime(at, tz, es)).toMatch(/^4:05\sp\.\s?m\.$/);
  });

  it("uses the practice's timezone, not the server's: late evening in Chicago is the same day there", () => {
    expect(formatDate("2026-11-24T03:30:00Z", tz)).toBe("Nov 23, 2026");
    expect(formatDate("2026-11-24T03:30:00Z", "UTC")).toBe("Nov 24, 2026");
  });

  it("shows a calendar date (an ISO day) as that day in any timezone, and nothing for no value", () => {
    expect(formatDate("2026-12-01", "Pacific/Honolulu")).toBe("Dec 1, 2026");
    expect(formatDate("2026-12-01", "Asia/Tokyo")).toBe("Dec 1, 2026");
    expect(formatDate(null, tz)).toBe("");
    expect(formatDateTime("", tz)).toBe("");
  });

  it("leaves the year out of a short day in the current year", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(formatDay("2026-05-01T15:00:00Z", "UTC", { now })).toBe("May 1");
    expect(formatDay("2025-05-01T15:00:00Z", "UTC", { now })).toBe("May 1, 2025");
  });

  it("maps a language to its locale", () => {
    expect(localeOf("es")).toBe("es-US");
    expect(localeOf("en")).toBe("en-US");
    expect(localeOf(undefined)).toBe("en-US");
  });
});

describe("formatPhone", () => {
  it.each([
    ["2175550101", "(217) 555-0101"],
    ["217.555.0101", "(217) 555-0101"],
    ["+1 217 555 0101", "(217) 555-0101"],
    ["12175550101", "(217) 555-0101"],
    ["+44 20 7946 0958", "+44 20 7946 0958"],
    ["555-0101", "555-0101"],
    ["", ""],
  ])("%s -> %s", (raw, shown) => {
    expect(formatPhone(raw)).toBe(shown);
  });
});

describe("formatMethod", () => {
  it("names check-in methods in words, never as codes", () => {
    expect(formatMethod("qr")).toBe("QR code");
    expect(formatMethod("card")).toBe("Card");
    expect(formatMethod("staff")).toBe("At the front desk");
    expect(formatMethod("phone", { lang: "es" })).toBe("Teléfono y fecha de nacimiento");
    expect(formatMethod("walk_in")).toBe("Walk in");
  });
});
