import { describe, expect, test } from "vitest";
import { isDate, localDate, nextDate, startOfDay } from "./dates.ts";

describe("practice dates", () => {
  test("midnight in Chicago, winter and summer", () => {
    expect(startOfDay("2026-01-15", "America/Chicago").toISOString()).toBe("2026-01-15T06:00:00.000Z");
    expect(startOfDay("2026-07-15", "America/Chicago").toISOString()).toBe("2026-07-15T05:00:00.000Z");
  });
  test("the day daylight saving starts", () => {
    expect(startOfDay("2026-03-08", "America/Chicago").toISOString()).toBe("2026-03-08T06:00:00.000Z");
    expect(startOfDay("2026-03-09", "America/Chicago").toISOString()).toBe("2026-03-09T05:00:00.000Z");
  });
  test("UTC and east of it", () => {
    expect(startOfDay("2026-01-01", "UTC").toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(startOfDay("2026-01-01", "Asia/Tokyo").toISOString()).toBe("2025-12-31T15:00:00.000Z");
  });
  test("nextDate crosses months and years", () => {
    expect(nextDate("2026-12-31")).toBe("2027-01-01");
    expect(nextDate("2028-02-28")).toBe("2028-02-29");
  });
  test("localDate is the zone's calendar date", () => {
    expect(localDate("America/Chicago", new Date("2026-11-24T03:00:00Z"))).toBe("2026-11-23");
    expect(localDate("America/Chicago", new Date("2026-11-24T03:00:00Z"), 1)).toBe("2026-11-22");
  });
  test("isDate", () => {
    expect(isDate("2026-02-30")).toBe(true); // Date.parse rolls over; the API rejects what matters
    expect(isDate("2026-13-01")).toBe(false);
    expect(isDate("26-1-1")).toBe(false);
  });
});
