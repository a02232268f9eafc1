import { describe, expect, it } from "vitest";
import { checkInShown, parseTags } from "./profile.ts";

describe("parseTags", () => {
  it("splits on commas, trims, lower-cases and drops repeats", () => {
    expect(parseTags(" Braces, VIP ,braces,,  new   patient ")).toEqual({ tags: ["braces", "vip", "new patient"], error: null });
  });

  it("asks for a tag when nothing was typed", () => {
    expect(parseTags(" , ").error).toMatch(/Type a tag/);
  });

  it("names a tag that is too long or has odd characters", () => {
    expect(parseTags(`ok, ${"x".repeat(51)}`).error).toMatch(/too long/);
    expect(parseTags("vip, <script>").error).toMatch(/“<script>” has characters/);
  });
});

describe("checkInShown", () => {
  const now = Date.parse("2026-11-20T15:00:00Z");

  it("shows the points, the balance and each reward's time left, soonest first", () => {
    const shown = checkInShown(
      {
        pointsEarned: 10,
        balance: 260,
        unlockedCoupons: [
          { id: "b", coupon: "ten-off", rule: "Big visit", expiresAt: new Date(now + 47 * 3_600_000 + 59 * 60_000) },
          { id: "a", coupon: "free-whitening", rule: "Big visit", expiresAt: new Date(now + 90 * 60_000).toISOString() },
          { id: "c", coupon: "forever", rule: null, expiresAt: null },
        ],
      },
      now,
    );
    expect(shown.points).toBe(10);
    expect(shown.balance).toBe(260);
    expect(shown.rewards.map((r) => [r.coupon, r.left])).toEqual([
      ["free-whitening", "1 h 30 min left"],
      ["ten-off", "1 d 23 h left"],
      ["forever", "no time limit"],
    ]);
  });

  it("names a coupon as people read it when the check-in gives its name", () => {
    const shown = checkInShown(
      {
        pointsEarned: 0,
        balance: 0,
        unlockedCoupons: [{ id: "x", coupon: "ten-off", name: "$10 off your next visit", rule: "r", expiresAt: null }],
      },
      now,
    );
    expect(shown.rewards[0]!.coupon).toBe("$10 off your next visit");
  });

  it("says a reward that ran out meanwhile has expired", () => {
    const shown = checkInShown(
      { pointsEarned: 0, balance: 0, unlockedCoupons: [{ id: "x", coupon: "c", rule: "r", expiresAt: new Date(now - 1) }] },
      now,
    );
    expect(shown.rewards[0]!.left).toBe("expired");
  });
});
