import { addDays } from "@tally/rules/time";
import { describe, expect, it } from "vitest";
import { bucketFor, chartBars, labelEvery } from "./chart.ts";

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => ({ day: addDays(from, i), issued: i + 1, redeemed: i % 2 }));

describe("chart bars", () => {
  it("keeps one bar a day up to 45 days", () => {
    const bars = chartBars(days("2026-03-01", 30), "day", ["issued", "redeemed"]);
    expect(bars).toHaveLength(30);
    expect(bars[0]).toMatchObject({ start: "2026-03-01", label: "3/1", title: "Mar 1", values: { issued: 1, redeemed: 0 } });
  });

  it("groups 90 days by week (Monday first) and 12 months by month, with the same totals", () => {
    const quarter = days("2026-01-01", 90);
    const weeks = chartBars(quarter, "day", ["issued", "redeemed"]);
    expect(bucketFor(90)).toBe("week");
    // 2026-01-01 is a Thursday: the first bar covers Thu–Sun, then whole weeks.
    expect(weeks[0]).toMatchObject({ start: "2026-01-01", label: "12/29", title: "week of Dec 29", values: { issued: 1 + 2 + 3 + 4 } });
    expect(weeks[1]!.start).toBe("2026-01-05");
    expect(weeks.length).toBe(14);

    const year = days("2025-12-07", 365);
    const months = chartBars(year, "day", ["issued", "redeemed"]);
    expect(bucketFor(365)).toBe("month");
    expect(months.map((m) => m.label)).toEqual([
      "Dec 2025",
      "Jan 2026",
      "Feb",
      "Mar",
      "Apr",
      "May",
      "Jun",
      "Jul",
      "Aug",
      "Sep",
      "Oct",
      "Nov",
      "Dec",
    ]);
    const sum = (rows: { issued: number }[]) => rows.reduce((s, r) => s + r.issued, 0);
    expect(months.reduce((s, m) => s + m.values.issued!, 0)).toBe(sum(year));
    expect(weeks.reduce((s, m) => s + m.values.issued!, 0)).toBe(sum(quarter));
  });

  it("labels at most seven bars", () => {
    expect(labelEvery(30)).toBe(5);
    expect(labelEvery(13)).toBe(2);
    expect(labelEvery(5)).toBe(1);
  });
});
