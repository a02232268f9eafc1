import { describe, expect, test } from "vitest";
import { analyse } from "./preview.ts";

describe("the plain-English preview", () => {
  test("describes the program's expiry and tiers beside its rules, in source order", () => {
    const source = `expire points 12 months after earning

tiers by visits over 12 months {
  tier "Friend" from 0
  tier "Family" from 4 multiplier 1.5
}

reward "Visit" on visit.checked_in {
  award 10 points
}
`;
    const { diagnostics, rules } = analyse(source);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(rules.map((r) => [r.name, r.kind, r.line])).toEqual([
      ["Points expiry", "expire", 1],
      ["Tiers", "tiers", 3],
      ["Visit", "reward", 8],
    ]);
    expect(rules[0]!.text).toContain("expire 12 months after they are earned");
    expect(rules[1]!.text).toMatch(/Family/);
  });
});
