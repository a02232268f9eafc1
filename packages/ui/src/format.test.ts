import { describe, expect, it } from "vitest";
import { formatDuration, formatMoney, formatPoints, formatRelative } from "./format.ts";

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
