import { failsCardCheck, ISSUED_CARD_DIGITS, isLuhnValid } from "@tally/rules";
import { describe, expect, it } from "vitest";
import { newCardNumber } from "./card-number.ts";

describe("newCardNumber", () => {
  const cards = Array.from({ length: 10_000 }, () => newCardNumber());

  it("is 12 random digits and a Luhn check digit, never starting with 0", () => {
    for (const card of cards) {
      expect(card).toMatch(/^[1-9]\d{12}$/);
      expect(card).toHaveLength(ISSUED_CARD_DIGITS);
      expect(isLuhnValid(card)).toBe(true);
      expect(failsCardCheck(card)).toBe(false);
    }
  });

  it("draws distinct, evenly spread numbers (not a sequence)", () => {
    expect(new Set(cards).size).toBe(cards.length);
    // Every position but the check digit takes every digit (the first 1-9).
    for (let pos = 0; pos < ISSUED_CARD_DIGITS - 1; pos++) {
      expect(new Set(cards.map((c) => c[pos])).size).toBe(pos === 0 ? 9 : 10);
    }
    const sorted = cards.map(Number).sort((a, b) => a - b);
    const steps = new Set(sorted.slice(1).map((n, i) => n - sorted[i]!));
    expect(steps.size).toBeGreaterThan(cards.length / 2);
  });

  it("a single changed digit fails the check", () => {
    const card = cards[0]!;
    for (let pos = 0; pos < card.length; pos++) {
      const d = Number(card[pos]);
      const typo = card.slice(0, pos) + ((d + 1) % 10) + card.slice(pos + 1);
      expect(failsCardCheck(typo)).toBe(true);
    }
  });
});
