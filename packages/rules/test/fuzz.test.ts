// Grammar-aware fuzzing: whatever the text, the parser and checker return diagnostics and
// never throw; a checked rule set always compiles and runs. Also a parse-time budget.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compile, format, hasErrors, parse, simulate } from "../src/index.ts";
import { RICH_RULES, ruleSet } from "./arbitraries.ts";

const fragments = [
  "earn",
  "reward",
  "instant",
  "milestone",
  "on",
  "when",
  "manual",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ",",
  ".",
  "rate",
  "1",
  "point",
  "per",
  "$10",
  "$1,250.50",
  "mode",
  "total_spend",
  "minimum",
  "items",
  "eligible",
  "award",
  "to",
  "referrer",
  "member",
  "accumulate",
  "no",
  "limit",
  "once",
  "day",
  "during",
  "2026-12-01",
  "window",
  "4",
  "hours",
  "unlock",
  "coupon",
  '"x"',
  "for",
  "every",
  "perfect",
  "surveys",
  "phase",
  "after",
  "and",
  "or",
  "not",
  "in",
  "has",
  "tag",
  "=",
  ">=",
  "+",
  "*",
  "invoice.paid",
  "invoice.total",
  '"unterminated',
  "#c\n",
  "\n",
  "@",
  "'",
  // SPEC 7
  "expire",
  "months",
  "earning",
  "without",
  "activity",
  "tiers",
  "tier",
  "by",
  "spend",
  "visits",
  "over",
  "from",
  "multiplier",
  "1.25",
  "cap",
  "invoice",
  "available",
  "weeks",
  "12-15",
  "year",
  "event.weekday",
  "member.tier",
  "3000000000",
];

function assertDiagnostics(text: string): void {
  const r = check(text, { catalog: ["x", "ten-off"] });
  for (const d of r.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe("string");
    expect(d.code).toMatch(/^[A-Z_]+$/);
  }
  if (!hasErrors(r.diagnostics)) {
    // A rule set without errors must compile and run.
    const program = compile(r.ast);
    expect(program.rules).toHaveLength(r.ast.rules.length);
    const out = simulate({
      rules: text,
      events: [
        {
          id: "e",
          type: "invoice.paid",
          at: "2026-01-01T00:00:00Z",
          member: "m",
          invoice: { id: "i", lines: [{ code: "A", amount: "10.00" }] },
        },
      ],
    });
    expect(out).toHaveProperty("balances");
  }
}

describe("fuzz", () => {
  it("random text: only diagnostics, never an exception", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: "binary" }), (text) => assertDiagnostics(text)),
      { numRuns: 300 },
    );
  });

  it("token soup: only diagnostics, never an exception", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), (parts) => assertDiagnostics(parts.join(" "))),
      { numRuns: 400 },
    );
  });

  it("generated rule sets, whole and mutated: only diagnostics", () => {
    fc.assert(
      fc.property(ruleSet, fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...fragments), (ast, at, cut, insert) => {
        const text = format(ast);
        assertDiagnostics(text);
        const i = at % (text.length + 1);
        assertDiagnostics(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses nesting and length that would exhaust the stack, with a diagnostic", () => {
    const deep = [
      `reward "R" on visit.checked_in when ${"(".repeat(5000)}true${")".repeat(5000)} { award 1 point }`,
      `reward "R" on visit.checked_in when ${"not ".repeat(5000)}true { award 1 point }`,
      `reward "R" on visit.checked_in when 1 in ${"[".repeat(3000)}${"]".repeat(3000)} { award 1 point }`,
      `reward "R" on visit.checked_in when ${"1 + ".repeat(20000)}1 > 2 { award 1 point }`,
    ];
    for (const src of deep) expect(check(src).diagnostics.map((d) => d.code)).toEqual(["TOO_COMPLEX"]);
  });

  it("the longest and deepest rules accepted still check, format, compile and run", () => {
    const terms = 990; // about 1,990 tokens, just under the limit
    const long = `reward "Long" on invoice.paid when ${"1 + ".repeat(terms)}member.points > 0 { award 1 point }`;
    const deep = `reward "Deep" on invoice.paid when ${"(".repeat(30)}member.points >= 0${")".repeat(30)} { award 2 points }`;
    const src = `${long}\n${deep}`;
    const r = check(src);
    expect(r.diagnostics).toEqual([]);
    expect(parse(format(r.ast)).diagnostics).toEqual([]);
    const out = simulate({
      rules: src,
      events: [{ id: "e", type: "invoice.paid", at: "2026-01-01T00:00:00Z", member: "m", invoice: { id: "i", lines: [] } }],
    });
    expect(out).toMatchObject({ balances: { m: 3 } });
  });

  it("parses a 1 KB rule set in under 50 ms (median of several runs)", () => {
    const src = RICH_RULES; // every construct of the language, about 1 KB
    expect(src.length).toBeGreaterThanOrEqual(1000);
    expect(src.length).toBeLessThan(1400);
    expect(check(src).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      parse(src);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    expect(times[4]!).toBeLessThan(50);
  });
});
