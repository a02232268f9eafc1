import { describe, expect, it } from "vitest";
import { parseContactForm, parseNewPassword, registrationWords } from "./registration.ts";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe("registration forms", () => {
  it("asks for a long enough password, typed twice the same", () => {
    expect(parseNewPassword(form({ password: "short", confirm: "short" })).errors.password).toMatch(/at least 10/);
    expect(parseNewPassword(form({ password: "long-enough-1", confirm: "long-enough-2" })).errors.confirm).toMatch(/not the same/);
    expect(parseNewPassword(form({ password: "long-enough-1", confirm: "long-enough-1" })).errors).toEqual({});
  });

  it("needs a name and an email on the contact form; phone and birthday are optional but checked", () => {
    const ok = parseContactForm(
      form({ firstName: " Ana ", lastName: "Bell", email: "ana@example.com", password: "long-enough-1", confirm: "long-enough-1" }),
    );
    expect(ok.errors).toEqual({});
    expect(ok.values.firstName).toBe("Ana");
    const bad = parseContactForm(form({ email: "ana", phone: "12", birthday: "2030-01-01", password: "x" }), new Date("2026-01-01"));
    expect(Object.keys(bad.errors).sort()).toEqual(["birthday", "email", "firstName", "lastName", "password", "phone"]);
  });

  it("says its errors in the words it is given (the page's language)", () => {
    const words = {
      ...registrationWords,
      passwordTooShort: (min: number) => `Al menos ${min}`,
      firstNameMissing: () => "Escriba su nombre.",
    };
    const bad = parseContactForm(form({ lastName: "B", email: "a@b.co", password: "x" }), new Date("2026-01-01"), words);
    expect(bad.errors.password).toBe("Al menos 10");
    expect(bad.errors.firstName).toBe("Escriba su nombre.");
    expect(parseNewPassword(form({ password: "abc" }), words).errors.password).toBe("Al menos 10");
  });
});
