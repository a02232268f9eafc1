import { describe, expect, test } from "vitest";
import { formatDate, formatDateTime, formatTime } from "./dates.ts";

describe("dates for people, in the practice's timezone", () => {
  test("a late-evening instant belongs to the practice's day, not UTC's", () => {
    expect(formatDate("2026-11-18T03:00:00Z", "America/Chicago")).toBe("Nov 17, 2026");
    expect(formatDateTime("2026-11-18T03:05:00Z", "America/Chicago")).toBe("Nov 17, 2026, 9:05 PM");
    expect(formatTime(new Date("2026-11-18T03:05:00Z"), "America/Chicago")).toBe("9:05 PM");
  });
  test("no value, no text", () => {
    expect(formatDate(null, "UTC")).toBe("");
    expect(formatDateTime(undefined, "UTC")).toBe("");
  });
});
