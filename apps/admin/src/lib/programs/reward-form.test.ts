import { describe, expect, test } from "vitest";
import { filterProducts, valuesText } from "./gift-card-products.ts";
import { emptyReward, parseReward, rewardValuesOf } from "./reward-form.ts";

describe("parseReward", () => {
  test("an in-house prize", () => {
    const { input, errors } = parseReward({
      ...emptyReward(),
      name: "Movie tickets",
      pointsPrice: "1,200",
      imageUrl: "https://example.com/a.png",
    });
    expect(errors).toEqual({});
    expect(input).toMatchObject({
      kind: "in_house",
      name: "Movie tickets",
      pointsPrice: 1200,
      imageUrl: "https://example.com/a.png",
      valueCents: null,
      couponCode: null,
    });
  });

  test("missing name and price say what to do", () => {
    const { input, errors } = parseReward(emptyReward());
    expect(input).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["name", "pointsPrice"]);
  });

  test("a gift card needs its value and the provider code", () => {
    expect(Object.keys(parseReward({ ...emptyReward("gift_card"), name: "Amazon", pointsPrice: "500" }).errors).sort()).toEqual([
      "providerSku",
      "value",
    ]);
    const ok = parseReward({ ...emptyReward("gift_card"), name: "Amazon", pointsPrice: "500", value: "25", providerSku: "AMZ-25" });
    expect(ok.input).toMatchObject({ valueCents: 2500, providerSku: "AMZ-25" });
  });

  test("a coupon needs a rules-friendly code", () => {
    expect(
      parseReward({ ...emptyReward("coupon"), name: "Whitening", pointsPrice: "300", couponCode: "free whitening" }).errors.couponCode,
    ).toMatch(/letters/);
    expect(
      parseReward({ ...emptyReward("coupon"), name: "Whitening", pointsPrice: "300", couponCode: "free-whitening", couponValidDays: "30" })
        .input,
    ).toMatchObject({
      couponCode: "free-whitening",
      couponValidDays: 30,
      valueCents: null,
    });
  });

  test("a coupon's value to the practice is optional dollars (empty or 0 is $0)", () => {
    const coupon = { ...emptyReward("coupon"), name: "Whitening", pointsPrice: "300", couponCode: "free-whitening" };
    expect(parseReward({ ...coupon, value: "45.50" }).input?.valueCents).toBe(4550);
    expect(parseReward({ ...coupon, value: "0" }).input?.valueCents).toBeNull();
    expect(parseReward({ ...coupon, value: "lots" }).errors.value).toMatch(/costs the practice/);
  });

  test("image URL must be http(s)", () => {
    expect(parseReward({ ...emptyReward(), name: "x", pointsPrice: "1", imageUrl: "javascript:alert(1)" }).errors.imageUrl).toBeTruthy();
  });
});

test("rewardValuesOf round-trips", () => {
  const values = rewardValuesOf({
    kind: "gift_card",
    name: "Target",
    pointsPrice: 2500,
    description: "",
    imageUrl: null,
    enabled: false,
    valueCents: 2550,
    providerSku: "T-25",
    couponCode: null,
    couponValidDays: null,
  });
  expect(values.value).toBe("25.50");
  expect(parseReward(values).input).toMatchObject({ valueCents: 2550, enabled: false });
});

describe("gift card products", () => {
  const products = [
    {
      id: "SBUX-5",
      name: "Starbucks eGift",
      brand: "Starbucks",
      currency: "USD",
      denominations: [500, 1000, 2500],
      minCents: null,
      maxCents: null,
    },
    { id: "AMZN-10", name: "Amazon.com Gift Card", brand: "Amazon", currency: "USD", denominations: null, minCents: 100, maxCents: 50_000 },
  ];
  const card = (providerSku: string, value: string) => ({
    ...emptyReward("gift_card"),
    name: "Card",
    pointsPrice: "500",
    providerSku,
    value,
  });

  test("the value is checked against the picked product's denominations or range", () => {
    expect(parseReward(card("SBUX-5", "7"), products).errors).toEqual({
      value: "Starbucks comes in $5, $10, $25 only: pick one of those.",
    });
    expect(parseReward(card("SBUX-5", "10"), products).input).toMatchObject({ providerSku: "SBUX-5", valueCents: 1000 });
    expect(parseReward(card("AMZN-10", "600"), products).errors).toEqual({ value: "Amazon goes up to $500." });
    expect(parseReward(card("AMZN-10", "0.50"), products).errors).toEqual({ value: "Amazon starts at $1." });
    expect(parseReward(card("", "10"), products).errors).toEqual({ providerSku: "Pick the product this card is." });
    // A code not in the list (typed when the catalog could not be read) is left to the API.
    expect(parseReward(card("OTHER", "7"), products).input).toMatchObject({ providerSku: "OTHER" });
  });

  test("how the values read, and the search keeps the picked product", () => {
    expect(valuesText(products[0]!)).toBe("$5, $10, $25");
    expect(valuesText(products[1]!)).toBe("$1 to $500");
    expect(valuesText({ ...products[1]!, minCents: null, maxCents: null })).toBe("any value");
    expect(filterProducts(products, "amaz", "").map((p) => p.id)).toEqual(["AMZN-10"]);
    expect(filterProducts(products, "amaz", "SBUX-5").map((p) => p.id)).toEqual(["SBUX-5", "AMZN-10"]);
    expect(filterProducts(products, "  ", "").map((p) => p.id)).toEqual(["SBUX-5", "AMZN-10"]);
  });
});

describe("the Spanish name and description", () => {
  test("go to the API as translations, and come back into the form", () => {
    const { input } = parseReward({ ...emptyReward(), name: "Tote bag", pointsPrice: "300", nameEs: "Bolsa de tela", descriptionEs: "" });
    expect(input?.translations).toEqual({ es: { name: "Bolsa de tela", description: "" } });
    const values = rewardValuesOf({
      kind: "in_house",
      name: "Tote bag",
      pointsPrice: 300,
      description: "",
      imageUrl: null,
      enabled: true,
      valueCents: null,
      providerSku: null,
      couponCode: null,
      couponValidDays: null,
      translations: { es: { name: "Bolsa de tela" } },
    });
    expect([values.nameEs, values.descriptionEs]).toEqual(["Bolsa de tela", ""]);
    expect(parseReward({ ...values, nameEs: "x".repeat(201) }).errors).toEqual({ nameEs: "Keep the name under 200 characters." });
  });
});
