import { describe, expect, it } from "vitest";
import { parseSignIn } from "./sign-in.ts";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("parseSignIn", () => {
  it("accepts a complete form and trims the email", () => {
    const result = parseSignIn(form({ email: "  ana@brightsmiles.test ", password: "secret" }));
    expect(result.errors).toEqual({});
    expect(result.values).toEqual({ email: "ana@brightsmiles.test" });
    expect(result.password).toBe("secret");
  });

  it("asks for both fields when empty", () => {
    const result = parseSignIn(form({}));
    expect(result.errors.email).toMatch(/email/i);
    expect(result.errors.password).toMatch(/password/i);
  });

  it("explains a malformed email", () => {
    expect(parseSignIn(form({ email: "ana", password: "x" })).errors.email).toMatch(/like name@practice/);
  });

  it("never returns the password among the values shown back to the page", () => {
    expect(parseSignIn(form({ email: "a@b.co", password: "hunter2" })).values).not.toHaveProperty("password");
  });
});
