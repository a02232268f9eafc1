import { check } from "@tally/rules";
import { describe, expect, test } from "vitest";
import { appendRule, type BuilderValues, builderValuesFrom, buildRule, defaultBuilderValues, dollarsToCents } from "./builder.ts";

const values = (over: Partial<BuilderValues>): BuilderValues => ({ ...defaultBuilderValues(over.kind), ...over });

describe("dollarsToCents", () => {
  test.each([
    ["20", 2000],
    ["$1,250.50", 125050],
    ["12.5", 1250],
    [" 0.05 ", 5],
  ])("%s -> %d", (s, cents) => expect(dollarsToCents(s)).toBe(cents));
  test.each(["", "abc", "1,25", "1.234", "-5"])("%s is not an amount", (s) => expect(dollarsToCents(s)).toBeNull());
});

describe("buildRule", () => {
  test("consumption earning with a cap and points available after the refund window", () => {
    const r = buildRule(values({ kind: "consumption", name: "Spend points", capPoints: "500", capPer: "week", availableDays: "14" }));
    expect(r.errors).toEqual({});
    expect(r.source).toContain("cap 500 points per week");
    expect(r.source).toContain("available after 14 days");
    const bad = buildRule(values({ kind: "consumption", name: "S", capPoints: "lots", availableDays: "-1" }));
    expect(Object.keys(bad.errors).sort()).toEqual(["availableDays", "capPoints"]);
  });

  test("consumption earning", () => {
    const r = buildRule(values({ kind: "consumption", name: "Spend points", ratePoints: "1", perDollars: "10", minimum: "20" }));
    expect(r.errors).toEqual({});
    expect(r.source).toBe('earn "Spend points" on invoice.paid {\n  rate 1 point per $10\n  minimum $20\n}\n');
  });

  test("total spend refuses a minimum", () => {
    const r = buildRule(values({ kind: "consumption", name: "S", mode: "total_spend", minimum: "20" }));
    expect(r.source).toBeNull();
    expect(r.errors.minimum).toMatch(/per transaction/);
  });

  test("action reward with condition, accumulate, limit and dates", () => {
    const r = buildRule(
      values({
        kind: "action",
        name: "First visit",
        event: "invoice.paid",
        condition: "member.paid_invoices = 1",
        points: "500",
        accumulate: "better_choice",
        limit: "once",
        duringFrom: "2026-12-01",
        duringTo: "2026-12-31",
      }),
    );
    expect(r.source).toBe(
      'reward "First visit" on invoice.paid when member.paid_invoices = 1 {\n  award 500 points\n  accumulate better_choice\n  limit once per member\n  during 2026-12-01 to 2026-12-31\n}\n',
    );
  });

  test("manual reward needs a prompt", () => {
    expect(buildRule(values({ kind: "action", name: "Insta", event: "manual", points: "50" })).errors.prompt).toBeTruthy();
    const ok = buildRule(
      values({ kind: "action", name: "Insta", event: "manual", points: "50", prompt: "Follow us", confirmation: "Thanks!" }),
    );
    expect(ok.source).toBe('reward "Insta" manual {\n  award 50 points\n  prompt "Follow us"\n  confirmation "Thanks!"\n}\n');
  });

  test("a condition that does not parse is reported on its field", () => {
    const r = buildRule(values({ kind: "action", name: "X", points: "5", condition: "visit.method = " }));
    expect(r.errors.condition).toMatch(/does not read/);
  });

  test("instant reward", () => {
    const r = buildRule(
      values({ kind: "instant", name: "Big visit", spendAtLeast: "300", pointsAtLeast: "50", coupons: "free-whitening, ten-off" }),
    );
    expect(r.source).toBe(
      'instant "Big visit" {\n  window 4 hours\n  when visit.spend >= $300 or visit.points >= 50\n  unlock coupon "free-whitening", coupon "ten-off" for 48 hours\n}\n',
    );
  });

  test("milestones", () => {
    expect(buildRule(values({ kind: "milestone_unlimited", name: "Keep it up", every: "5", points: "200" })).source).toBe(
      'milestone "Keep it up" unlimited {\n  every 5 perfect surveys award 200 points\n}\n',
    );
    const limited = buildRule(
      values({
        kind: "milestone_limited",
        name: "Braces journey",
        phases: [
          { name: "Bracket Buddy", count: "5", points: "200", coupons: "" },
          { name: "Aligner Ace", count: "3", points: "100", coupons: "movie-ticket" },
        ],
      }),
    );
    expect(limited.source).toBe(
      'milestone "Braces journey" limited {\n  phase "Bracket Buddy" after 5 perfect surveys award 200 points\n  phase "Aligner Ace" after 3 perfect surveys award 100 points and coupon "movie-ticket"\n}\n',
    );
  });

  test("everything the builder writes passes the checker", () => {
    const all = [
      buildRule(values({ kind: "consumption", name: "A", items: "codes", codes: "CLEAN, XRAY" })),
      buildRule(values({ kind: "action", name: "B", event: "referral.converted", points: "100", referrerPoints: "250" })),
      buildRule(
        values({ kind: "action", name: "C", event: "visit.checked_in", points: "20", limit: "count", limitCount: "1", limitPer: "day" }),
      ),
      buildRule(values({ kind: "instant", name: "D", spendAtLeast: "$1,000", coupons: "x" })),
    ].map((r) => r.source ?? "");
    const { diagnostics } = check(all.join("\n"));
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("form round trip", () => {
  test("builderValuesFrom reads the b_ fields", () => {
    const f = new FormData();
    f.set("b_kind", "milestone_limited");
    f.set("b_name", "Journey");
    f.append("b_phase_name", "One");
    f.append("b_phase_count", "2");
    f.append("b_phase_points", "10");
    f.append("b_phase_coupons", "");
    const v = builderValuesFrom(f);
    expect(v.kind).toBe("milestone_limited");
    expect(v.phases).toEqual([{ name: "One", count: "2", points: "10", coupons: "" }]);
    expect(buildRule(v).source).toContain('phase "One" after 2 perfect surveys award 10 points');
  });
});

test("appendRule keeps one blank line between rules", () => {
  expect(appendRule("a {\n}\n\n\n", "b {\n}\n")).toBe("a {\n}\n\nb {\n}\n");
  expect(appendRule("", "b\n")).toBe("b\n");
});
