import { describe, expect, it } from "vitest";
import { scanHeadline } from "./scan.js";

describe("scanHeadline", () => {
  it("says what a scan did, kindly", () => {
    expect(scanHeadline({ kind: "collected", points: 1250, code: "X" }).title).toBe("+1,250 pts");
    expect(scanHeadline({ kind: "collected", points: null, code: "X" }).text).toContain("when the rewards program opens");
    expect(scanHeadline({ kind: "collected", points: 0, code: "X" }).text).toContain("no points right now");
    expect(scanHeadline({ kind: "already", code: "X" })).toMatchObject({ title: "You already collected this one", tone: "info" });
    expect(scanHeadline({ kind: "unknown" }).text).toContain("switched it off");
    expect(scanHeadline({ kind: "error", message: "Try again." })).toMatchObject({ tone: "error", text: "Try again." });
  });
});
