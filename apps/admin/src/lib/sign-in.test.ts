import { describe, expect, it } from "vitest";
import { parseSignIn, safeNext } from "./sign-in.ts";

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

describe("safeNext", () => {
  it("follows a path inside the app, with its query", () => {
    expect(safeNext("/admin/members/123?tab=coupons", "/admin")).toBe("/admin/members/123?tab=coupons");
    expect(safeNext("/admin", "/admin")).toBe("/admin");
    expect(safeNext("/admin/", "/admin/")).toBe("/admin/");
  });

  it.each([
    ["nothing", null],
    ["empty", ""],
    ["an absolute URL", "https://evil.example/admin"],
    ["a protocol-relative URL", "//evil.example/admin"],
    ["a backslash trick", "/\\evil.example"],
    ["a backslash inside", "/admin\\..\\..\\evil"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["another app", "/portal/account"],
    ["a look-alike prefix", "/administrator"],
    ["a path climbing out", "/admin/../portal"],
    ["an encoded climb", "/admin/%2e%2e/portal"],
    ["a tab or newline", "/admin/\n//evil.example"],
    ["the sign-in page", "/admin/sign-in?next=/admin"],
    ["the sign-out page", "/admin/sign-out"],
  ])("ignores %s", (_label, next) => {
    expect(safeNext(next, "/admin")).toBeNull();
  });
});
