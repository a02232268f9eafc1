import { describe, expect, it } from "vitest";
import { checkEntry, isMethod } from "./check-in.ts";

describe("checkEntry", () => {
  it.each([
    ["card", "1234 5678", null],
    ["card", "12", "enterCard"],
    ["card", "abc123456", "enterCard"],
    ["phone", "(312) 555-0142", null],
    ["phone", "+1 312 555 0142", null],
    ["phone", "555-0142", "enterPhone"],
    ["qr", "", null],
  ] as const)("%s %j -> %s", (method, raw, expected) => {
    expect(checkEntry(method, raw)).toBe(expected);
  });

  it("knows the three methods only", () => {
    expect(isMethod("card")).toBe(true);
    expect(isMethod("email")).toBe(false);
  });
});
