// Lexer and parser: literals, keywords, comments, and the shape of the AST.
import { describe, expect, it } from "vitest";
import { type Expr, parse, stripPositions } from "../src/index.ts";
import { tokenize } from "../src/lexer/lexer.ts";
import { moneyToCents, unescapeString } from "../src/parser/parse.ts";

function whenOf(src: string): Expr {
  const { ast, diagnostics } = parse(`reward "R" on invoice.paid when ${src} { award 1 point }`);
  expect(diagnostics).toEqual([]);
  const r = ast.rules[0]!;
  if (r.kind !== "reward" || !r.when) throw new Error("no when");
  return stripPositions(r.when);
}

describe("lexer", () => {
  it.each([
    ["$20", 2000],
    ["$1,250.50", 125050],
    ["$0.5", 50],
    ["$0.05", 5],
    ["$1,000,000", 100000000],
  ])("money %s is %d cents", (image, cents) => {
    expect(moneyToCents(image)).toBe(cents);
    const t = tokenize(image).tokens;
    expect(t.map((x) => x.tokenType.name)).toEqual(["Money"]);
  });

  it("tells keywords from identifiers that start like them", () => {
    const names = tokenize("on once point points pointsy limit limited per per_transaction perfect not no award_x").tokens.map(
      (t) => t.tokenType.name,
    );
    expect(names).toEqual([
      "On",
      "Once",
      "Point",
      "Point",
      "Identifier",
      "Limit",
      "Limited",
      "Per",
      "PerTransaction",
      "Perfect",
      "Not",
      "No",
      "Identifier",
    ]);
  });

  it("skips comments and whitespace, keeps dates, numbers, strings", () => {
    const toks = tokenize('# a comment\n2026-12-31 12 3.5 "a \\"b\\"" # trailing').tokens;
    expect(toks.map((t) => t.tokenType.name)).toEqual(["DateLit", "NumberLit", "NumberLit", "StringLit"]);
    expect(toks[0]!.startLine).toBe(2);
  });

  it.each([
    ['"plain"', "plain"],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"back\\\\slash"', "back\\slash"],
    ['"line\\nbreak\\ttab"', "line\nbreak\ttab"],
    ['"\\u00e9t\\u00e9"', "été"],
  ])("string %s unescapes", (image, value) => {
    expect(unescapeString(image)).toEqual({ value, bad: null });
  });
});

describe("parser", () => {
  it("precedence: or < and < not < comparison < sum < product", () => {
    expect(whenOf("member.points + 2 * 3 > 4 or not consent.full and true")).toEqual(
      whenOf("((member.points + (2 * 3)) > 4) or ((not consent.full) and true)"),
    );
  });

  it("left associativity of sums and products", () => {
    const e = whenOf("member.points - 1 - 2 > 0");
    expect(e).toMatchObject({ kind: "binary", op: ">", left: { op: "-", left: { op: "-", right: { value: 1 } }, right: { value: 2 } } });
  });

  it("has tag, in, lists and parentheses", () => {
    expect(whenOf('member has tag "vip" and "XRAY" in invoice.codes and invoice.total in [$1, $2]')).toMatchObject({
      op: "and",
      left: { op: "and", left: { kind: "hasTag", tag: "vip" }, right: { op: "in", left: { value: "XRAY" } } },
      right: { op: "in", right: { kind: "list", items: [{ cents: 100 }, { cents: 200 }] } },
    });
  });

  it("field names after a dot may be keywords", () => {
    expect(whenOf("survey.perfect")).toEqual({ kind: "path", path: "survey.perfect" });
    const { diagnostics } = parse('reward "R" on points.redeemed { award 1 point }');
    expect(diagnostics).toEqual([]); // syntactically fine; the checker refuses the event
  });

  it("builds every clause", () => {
    const src = `earn "E" on invoice.paid { rate 2 points per $5 mode total_spend minimum $20 items ["A", "B"] during 2026-01-01 to 2026-01-31 }
reward "R" on referral.converted { award 5 points and coupon "x" to referrer accumulate better_choice limit 3 per week prompt "p" confirmation "c" }
instant "I" { window 90 minutes when visit.points >= 1 unlock coupon "a", coupon "b" for 2 days }
milestone "M" limited { phase "P" after 2 perfect surveys award coupon "y" and coupon "z" }`;
    const { ast, diagnostics } = parse(src);
    expect(diagnostics).toEqual([]);
    expect(stripPositions(ast.rules.map((r) => r.clauses))).toEqual([
      [
        { kind: "rate", points: 2, perCents: 500 },
        { kind: "mode", mode: "total_spend" },
        { kind: "minimum", cents: 2000 },
        { kind: "items", items: ["A", "B"] },
        { kind: "during", from: "2026-01-01", to: "2026-01-31" },
      ],
      [
        { kind: "award", prize: { points: 5, coupons: [{ name: "x" }] }, to: "referrer" },
        { kind: "accumulate", mode: "better_choice" },
        { kind: "limit", count: 3, per: "week" },
        { kind: "prompt", text: "p" },
        { kind: "confirmation", text: "c" },
      ],
      [
        { kind: "window", duration: { amount: 90, unit: "minute" } },
        {
          kind: "when",
          expr: { kind: "binary", op: ">=", left: { kind: "path", path: "visit.points" }, right: { kind: "number", value: 1 } },
        },
        { kind: "unlock", coupons: [{ name: "a" }, { name: "b" }], for: { amount: 2, unit: "day" } },
      ],
      [{ kind: "phase", name: "P", count: 2, prize: { points: null, coupons: [{ name: "y" }, { name: "z" }] } }],
    ]);
  });

  it("records positions from 1", () => {
    const { ast } = parse('\n  reward "R" on visit.checked_in { award 1 point }');
    expect(ast.rules[0]!.nameSpan).toEqual({ line: 2, column: 10, endLine: 2, endColumn: 12 });
    expect(ast.rules[0]!.span.line).toBe(2);
  });

  it("a broken rule does not hide the next one", () => {
    const { ast, diagnostics } = parse('earn "A" on invoice.paid { rate 1 point $10 \nreward "B" on visit.checked_in { award 1 point }');
    expect(ast.rules.map((r) => r.name)).toEqual(["A", "B"]);
    expect(ast.rules[0]!.recovered).toBe(true);
    expect(ast.rules[1]!.recovered).toBeUndefined();
    expect(diagnostics.length).toBeGreaterThanOrEqual(1);
    expect(diagnostics.every((d) => d.line === 1)).toBe(true);
  });
});
