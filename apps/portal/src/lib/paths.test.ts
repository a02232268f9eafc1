import { describe, expect, it, vi } from "vitest";

vi.mock("$app/paths", () => ({ resolve: (p: string) => `/portal/${p}` }));
const { actionUrl, safeNext } = await import("./paths.ts");

describe("paths", () => {
  it("keeps the page's query in form action URLs", () => {
    expect(actionUrl(new URLSearchParams("token=abc&practice=paws"), "accept")).toBe("?token=abc&practice=paws&/accept");
    expect(actionUrl(new URLSearchParams("/accept&token=abc"), "accept")).toBe("?token=abc&/accept");
    expect(actionUrl(new URLSearchParams(""), "email")).toBe("?/email");
  });
  it("follows only paths inside the portal after sign-in", () => {
    expect(safeNext("/portal/rewards", "/portal/home")).toBe("/portal/rewards");
    expect(safeNext("//evil.example/portal/", "/portal/home")).toBe("/portal/home");
    expect(safeNext("https://evil.example", "/portal/home")).toBe("/portal/home");
    expect(safeNext(null, "/portal/home")).toBe("/portal/home");
  });
});
