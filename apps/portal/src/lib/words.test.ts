import { describe, expect, it } from "vitest";
import { activitySentence, activityWhat, activityWhy, formatDay, nextReward, shortBy } from "./words.ts";

const tz = "America/Chicago";
const now = new Date("2026-05-20T12:00:00Z");

describe("activity in plain words", () => {
  it("says what earned the points and when, in the practice's timezone", () => {
    const line = { kind: "earn", points: 24, ruleName: "Spend points", note: null, eventType: "invoice.paid", at: "2026-05-01T15:00:00Z" };
    expect(activitySentence(line, tz, now)).toBe("+24 pts — visit on May 1");
    expect(activityWhy(line)).toBe("Spend points");
  });

  it("speaks Spanish with es-US numbers and dates", () => {
    const line = { kind: "earn", points: 1234, ruleName: null, note: null, eventType: "invoice.paid", at: "2026-05-01T15:00:00Z" };
    expect(activitySentence(line, tz, now, "es")).toBe("+1,234 puntos — visita el 1 may");
    expect(activitySentence({ ...line, kind: "redemption", points: -1 }, tz, now, "es")).toBe("-1 punto — premio canjeado el 1 may");
  });

  it("uses the local date, not UTC, near midnight", () => {
    // 03:00 UTC on May 2 is still May 1 in Chicago.
    expect(formatDay("2026-05-02T03:00:00Z", tz, now)).toBe("May 1");
    expect(formatDay("2025-12-31T18:00:00Z", tz, now)).toBe("Dec 31, 2025");
  });

  it("names redemptions, adjustments and manual rewards plainly", () => {
    expect(activityWhat({ kind: "redemption", points: -100, ruleName: null, note: null, eventType: "points.redeemed", at: now })).toBe(
      "reward redeemed",
    );
    expect(activityWhat({ kind: "adjustment", points: -5, ruleName: null, note: "typo", eventType: null, at: now })).toBe(
      "taken off by the practice",
    );
    expect(activityWhy({ kind: "adjustment", points: -5, ruleName: null, note: "typo", eventType: null, at: now })).toBe("typo");
    expect(
      activitySentence({ kind: "reward", points: 50, ruleName: "Followed us", note: null, eventType: "action.approved", at: now }, tz, now),
    ).toBe("+50 pts — completed action on May 20");
    expect(activitySentence({ kind: "redemption", points: -1, ruleName: null, note: null, eventType: null, at: now }, tz, now)).toBe(
      "-1 pt — reward redeemed on May 20",
    );
  });
});

describe("next reward", () => {
  const rewards = [
    { id: "b", name: "Movie", pointsPrice: 500 },
    { id: "a", name: "Sticker", pointsPrice: 100 },
    { id: "c", name: "Gift card", pointsPrice: 1000 },
  ];
  it("aims at the cheapest reward not yet affordable", () => {
    expect(nextReward(120, rewards)).toMatchObject({ reward: { id: "b" }, needed: 380, fraction: 0.24 });
    expect(nextReward(0, rewards)).toMatchObject({ reward: { id: "a" }, needed: 100, fraction: 0 });
  });
  it("shows a full ring when everything is affordable, and nothing without a catalog", () => {
    expect(nextReward(5000, rewards)).toMatchObject({ reward: { id: "c" }, needed: 0, fraction: 1 });
    expect(nextReward(10, [])).toBeNull();
  });
  it("says how many more points a reward needs", () => {
    expect(shortBy(380, 500)).toBe("You need 120 more points");
    expect(shortBy(499, 500)).toBe("You need 1 more point");
    expect(shortBy(500, 500)).toBeNull();
    expect(shortBy(380, 1500, "es")).toBe("Le faltan 1,120 puntos");
    expect(shortBy(499, 500, "es")).toBe("Le falta 1 punto");
  });
});
