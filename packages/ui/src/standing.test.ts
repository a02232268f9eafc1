import { describe, expect, it } from "vitest";
import { expiringText, multiplierText, nextTierText, notYetAvailableText, tierValueText } from "./standing.ts";

const tier = (
  by: "spend" | "points" | "visits",
  value: number,
  next: { tier: string; from: number; needed: number } | null,
  multiplier = 100,
) => ({
  name: "Silver",
  by,
  months: 12,
  value,
  multiplier,
  next,
});

describe("standing in plain words", () => {
  it("says what the tier counts and what the next one needs", () => {
    expect(tierValueText(tier("spend", 75000, null))).toBe("$750.00 spent in the last 12 months");
    expect(nextTierText(tier("spend", 75000, { tier: "Gold", from: 100000, needed: 25000 }))).toBe("Spend $250.00 more to reach Gold");
    expect(nextTierText(tier("points", 940, { tier: "Gold", from: 1000, needed: 60 }))).toBe("Earn 60 pts more to reach Gold");
    expect(nextTierText(tier("visits", 3, { tier: "Gold", from: 4, needed: 1 }))).toBe("1 visit more to reach Gold");
    expect(tierValueText(tier("visits", 1, null))).toBe("1 visit in the last 12 months");
    expect(nextTierText(tier("spend", 1, null))).toBeNull();
    expect(multiplierText(tier("spend", 1, null, 125))).toBe("×1.25 points");
    expect(multiplierText(tier("spend", 1, null))).toBeNull();
  });

  it("dates expiring and waiting points in the practice's timezone", () => {
    expect(expiringText({ points: 120, at: "2027-01-10T03:00:00.000Z" }, "America/New_York")).toBe("120 pts expire on Jan 9, 2027");
    expect(notYetAvailableText({ points: 1, at: "2026-03-01T10:00:00.000Z" }, "UTC")).toBe("1 pt can be used from Mar 1, 2026");
  });

  it("speaks Spanish with es-US numbers, money, dates and plurals", () => {
    expect(tierValueText(tier("spend", 123456, null), "es")).toBe("$1,234.56 gastados en los últimos 12 meses");
    expect(nextTierText(tier("points", 940, { tier: "Oro", from: 2000, needed: 1060 }), "es")).toBe(
      "Gane 1,060 puntos más para llegar a Oro",
    );
    expect(nextTierText(tier("visits", 3, { tier: "Oro", from: 4, needed: 1 }), "es")).toBe("1 visita más para llegar a Oro");
    expect(multiplierText(tier("spend", 1, null, 125), "es")).toBe("×1.25 puntos");
    expect(expiringText({ points: 120, at: "2027-01-10T12:00:00.000Z" }, "UTC", "es")).toBe("120 puntos caducan el 10 ene 2027");
  });
});
