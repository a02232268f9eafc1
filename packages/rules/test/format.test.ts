// The formatter's contract: parse(format(ast)) equals ast, ignoring positions.

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { format, parse, stripPositions } from "../src/index.ts";
import { ruleSet } from "./arbitraries.ts";

describe("format", () => {
  it("round-trips any rule-set AST", () => {
    fc.assert(
      fc.property(ruleSet, (ast) => {
        const text = format(ast);
        const back = parse(text);
        expect(back.diagnostics).toEqual([]);
        expect(stripPositions(back.ast)).toEqual(stripPositions(ast));
      }),
      { numRuns: 300 },
    );
  });

  it("is idempotent and canonical on the specification's example", () => {
    const src = readFileSync(new URL("./fixtures/spec-example.rules", import.meta.url), "utf8");
    const once = format(parse(src).ast);
    expect(format(parse(once).ast)).toBe(once);
    expect(once).toContain('unlock coupon "free-whitening", coupon "ten-off" for 48 hours');
  });

  it("writes parentheses only where the tree needs them", () => {
    const f = (when: string) => {
      const r = parse(`reward "R" on invoice.paid when ${when} { award 1 point }`).ast.rules[0]!;
      return format({ rules: [r] }).split("\n")[0];
    };
    expect(f("(a.b or c.d) and (e.f)")).toBe('reward "R" on invoice.paid when (a.b or c.d) and e.f {');
    expect(f("a.b - (c.d - e.f) > (1)")).toBe('reward "R" on invoice.paid when a.b - (c.d - e.f) > 1 {');
    expect(f("not (a.b = 1)")).toBe('reward "R" on invoice.paid when not a.b = 1 {');
    expect(f("$1250.5 > $0.05")).toBe('reward "R" on invoice.paid when $1,250.50 > $0.05 {');
  });
});
