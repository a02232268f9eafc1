import { describe, expect, test } from "vitest";
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
