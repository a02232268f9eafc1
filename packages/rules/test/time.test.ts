import { describe, expect, test } from "vitest";
import { addDays, isIsoDate, isValidTimezone, localDate, localDaysSpan, localHour, startOfLocalDay, weekStart } from "../src/index.ts";

describe("local time in the practice's zone", () => {
  test.each([
    ["2026-11-18T03:00:00Z", "America/Chicago", "2026-11-17"],
    ["2026-11-24T03:00:00Z", "America/Chicago", "2026-11-23"],
    ["2026-11-18T03:00:00Z", "UTC", "2026-11-18"],
    ["2025-12-31T15:00:00Z", "Asia/Tokyo", "2026-01-01"],
    ["2026-03-08T07:59:59Z", "America/Chicago", "2026-03-08"],
  ])("localDate(%s, %s) = %s", (at, tz, day) => {
    expect(localDate(at, tz)).toBe(day);
    expect(localDate(new Date(at), tz)).toBe(day);
    expect(localDate(Date.parse(at), tz)).toBe(day);
  });

  test.each([
    ["2026-01-15", "America/Chicago", "2026-01-15T06:00:00.000Z"],
    ["2026-07-15", "America/Chicago", "2026-07-15T05:00:00.000Z"],
    // The days daylight saving starts and ends: midnight is still on the old offset.
    ["2026-03-08", "America/Chicago", "2026-03-08T06:00:00.000Z"],
    ["2026-03-09", "America/Chicago", "2026-03-09T05:00:00.000Z"],
    ["2026-11-01", "America/Chicago", "2026-11-01T05:00:00.000Z"],
    ["2026-11-02", "America/Chicago", "2026-11-02T06:00:00.000Z"],
    ["2026-01-01", "UTC", "2026-01-01T00:00:00.000Z"],
    ["2026-01-01", "Asia/Tokyo", "2025-12-31T15:00:00.000Z"],
    ["2026-01-01", "Asia/Kolkata", "2025-12-31T18:30:00.000Z"],
  ])("startOfLocalDay(%s, %s) = %s", (day, tz, iso) => {
    const start = startOfLocalDay(day, tz);
    expect(start.toISOString()).toBe(iso);
    expect(localDate(start, tz)).toBe(day);
    expect(localDate(start.getTime() - 1, tz)).toBe(addDays(day, -1));
  });

  test("localDaysSpan covers whole local days, both ends included, across a clock change", () => {
    // 2026-11-01 is 25 hours long in Chicago (daylight saving ends).
    const span = localDaysSpan("2026-10-31", "2026-11-01", "America/Chicago");
    expect(span.start.toISOString()).toBe("2026-10-31T05:00:00.000Z");
    expect(span.end.toISOString()).toBe("2026-11-02T06:00:00.000Z");
    expect(span.end.getTime() - span.start.getTime()).toBe(49 * 3_600_000);
    const oneDay = localDaysSpan("2026-12-07", "2026-12-07", "UTC");
    expect([oneDay.start.toISOString(), oneDay.end.toISOString()]).toEqual(["2026-12-07T00:00:00.000Z", "2026-12-08T00:00:00.000Z"]);
  });

  test("localHour", () => {
    expect(localHour("2026-01-15T06:30:00Z", "America/Chicago")).toBe(0);
    expect(localHour("2026-01-15T05:59:00Z", "America/Chicago")).toBe(23);
    expect(localHour(new Date("2026-01-15T12:00:00Z"), "Asia/Tokyo")).toBe(21);
  });

  test("addDays crosses months, leap days and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(addDays("2026-03-01", -29)).toBe("2026-01-31");
  });

  test("isIsoDate accepts real calendar dates only", () => {
    expect(isIsoDate("2026-02-28")).toBe(true);
    expect(isIsoDate("2028-02-29")).toBe(true);
    expect(isIsoDate("2026-02-30")).toBe(false);
    expect(isIsoDate("2026-13-01")).toBe(false);
    expect(isIsoDate("26-1-1")).toBe(false);
    expect(isIsoDate("2026-01-01T00:00:00Z")).toBe(false);
  });

  test("weekStart and isValidTimezone", () => {
    expect(weekStart("2026-03-08")).toBe("2026-03-02"); // a Sunday belongs to the week from Monday
    expect(weekStart("2026-03-09")).toBe("2026-03-09");
    expect(isValidTimezone("America/Chicago")).toBe(true);
    expect(isValidTimezone("Mars/Olympus")).toBe(false);
  });
});
