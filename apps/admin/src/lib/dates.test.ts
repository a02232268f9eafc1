import { describe, expect, test } from "vitest";
import { addDays, formatDate, localDay, startOfLocalDay } from "./dates.ts";

describe("practice-timezone dates", () => {
  test("a late-evening instant belongs to the practice's day, not UTC's", () => {
    expect(localDay("2026-11-18T03:00:00Z", "America/Chicago")).toBe("2026-11-17");
    expect(formatDate("2026-11-18T03:00:00Z", "America/Chicago")).toBe("Nov 17, 2026");
  });
  test("local midnight as an instant, across DST", () => {
    expect(startOfLocalDay("2026-11-18", "America/Chicago").toISOString()).toBe("2026-11-18T06:00:00.000Z");
    expect(startOfLocalDay("2026-07-01", "America/Chicago").toISOString()).toBe("2026-07-01T05:00:00.000Z");
    expect(startOfLocalDay("2026-03-08", "UTC").toISOString()).toBe("2026-03-08T00:00:00.000Z");
  });
  test("addDays", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
});
