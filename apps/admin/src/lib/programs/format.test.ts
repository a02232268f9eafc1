import { describe, expect, test } from "vitest";
import { exchangeRates, formatPointCost, parsePointCost } from "./format.ts";

describe("point cost", () => {
  test.each([
    [1000, "$0.10"],
    [125, "$0.0125"],
    [10_000, "$1.00"],
    [0, "$0.00"],
    [1, "$0.0001"],
    [12_345_600, "$1,234.56"],
  ])("%d -> %s", (cc, s) => expect(formatPointCost(cc)).toBe(s));

  test.each([
    ["0.10", 1000],
    ["$0.0125", 125],
    ["1", 10_000],
  ])("%s -> %d", (s, cc) => expect(parsePointCost(s)).toBe(cc));

  test.each(["", "abc", "0.00001", "-1"])("%s is refused", (s) => expect(parsePointCost(s)).toBeNull());
});

test("exchangeRates reads earn rules", () => {
  const rates = exchangeRates(
    'earn "Spend" on invoice.paid {\n rate 1 point per $10\n minimum $20\n}\nreward "x" on visit.checked_in { award 5 points }',
  );
  expect(rates).toEqual([{ rule: "Spend", points: 1, perCents: 1000, mode: "per_transaction", minimumCents: 2000, items: "eligible" }]);
});
