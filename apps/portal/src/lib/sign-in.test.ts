import { describe, expect, it } from "vitest";
import { isValidBirthDate, normalizeCardNumber, parseCardSignIn, parseEmailSignIn } from "./sign-in.ts";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const today = new Date("2026-05-01T12:00:00Z");

describe("parseEmailSignIn", () => {
  it("accepts a complete form", () => {
    expect(parseEmailSignIn(form({ email: " ana@example.com ", password: "pw" })).errors).toEqual({});
  });

  it("explains what is missing", () => {
    const { errors } = parseEmailSignIn(form({ email: "ana" }));
    expect(errors.email).toMatch(/like name@example.com/);
    expect(errors.password).toMatch(/password/);
  });
});

describe("card sign-in", () => {
  it("ignores the spaces and dashes printed on cards", () => {
    expect(normalizeCardNumber("4000 1234-5678")).toBe("400012345678");
  });

  it.each([
    ["2012-05-14", true],
    ["2026-05-01", true], // born today
    ["2026-05-02", false], // tomorrow
    ["2025-02-29", false], // not a leap year
    ["2024-02-29", true],
    ["1899-12-31", false],
    ["14/05/2012", false],
    ["", false],
  ])("birth date %s valid: %s", (value, expected) => {
    expect(isValidBirthDate(value, today)).toBe(expected);
  });

  it("accepts a card number and birth date", () => {
    const result = parseCardSignIn(form({ cardNumber: "1234 5678", birthDate: "2012-05-14" }), today);
    expect(result.errors).toEqual({});
    expect(result.values.cardNumber).toBe("12345678");
  });

  it("rejects letters and short numbers", () => {
    expect(parseCardSignIn(form({ cardNumber: "12ab", birthDate: "2012-05-14" }), today).errors.cardNumber).toMatch(/6 to 20 digits/);
  });
});
