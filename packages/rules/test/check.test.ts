// One case per diagnostic code: the code, its line, and for the important ones the message/hint.
import { describe, expect, it } from "vitest";
import { check, type DiagnosticCode, formatDiagnostic } from "../src/index.ts";

const E = 'earn "E" on invoice.paid { rate 1 point per $10 }\n';

const cases: { code: DiagnosticCode; src: string; line: number; message?: RegExp; hint?: RegExp; catalog?: string[] }[] = [
  {
    code: "LEX_UNEXPECTED_CHARACTER",
    src: 'reward "R" on visit.checked_in { award 1 point ; }',
    line: 1,
    message: /unexpected character ";"/,
  },
  { code: "LEX_UNTERMINATED_STRING", src: 'reward "R manual {\n award 1 point\n}', line: 1, message: /no closing quote/ },
  {
    code: "PARSE_MISSING_TOKEN",
    src: 'earn "E" on invoice.paid {\n  rate 1 point $10\n}',
    line: 2,
    message: /expected "per"/,
    hint: /rate 1 point per \$10/,
  },
  {
    code: "PARSE_UNEXPECTED_TOKEN",
    src: 'earn "E" on invoice.paid {\n  rate 1 point per $10\n  mode fast\n}',
    line: 3,
    message: /per_transaction.*total_spend/,
  },
  { code: "PARSE_UNEXPECTED_TOKEN", src: 'hello\nearn "E" on invoice.paid { rate 1 point per $10 }', line: 1, message: /expected a rule/ },
  { code: "PARSE_EXTRA_INPUT", src: 'earn "E" on invoice.paid { rate 1 point per $10 } }', line: 1, message: /after the end of the rule/ },
  { code: "INVALID_NUMBER", src: 'reward "R" on visit.checked_in { award 1.5 points }', line: 1, message: /whole number/ },
  {
    code: "INVALID_DATE",
    src: 'reward "R" on visit.checked_in { award 1 point during 2026-02-30 to 2026-03-01 }',
    line: 1,
    message: /not a date/,
  },
  { code: "INVALID_ESCAPE", src: 'reward "R\\q" on visit.checked_in { award 1 point }', line: 1, message: /unknown escape/ },
  {
    code: "UNKNOWN_EVENT",
    src: 'reward "R" on visit.checkedin { award 1 point }',
    line: 1,
    message: /did you mean visit\.checked_in/,
    hint: /events: invoice\.paid/,
  },
  { code: "EVENT_NOT_ALLOWED", src: 'reward "R" on invoice.voided { award 1 point }', line: 1 },
  { code: "EVENT_NOT_ALLOWED", src: 'reward "R" on action.completed { award 1 point }', line: 1, hint: /manual/ },
  { code: "EVENT_NOT_ALLOWED", src: 'reward "R" on points.redeemed { award 1 point }', line: 1 },
  { code: "EVENT_NOT_ALLOWED", src: 'earn "E" on visit.checked_in { rate 1 point per $10 }', line: 1, message: /paid invoice/ },
  {
    code: "UNKNOWN_FIELD",
    src: 'reward "R" on invoice.paid when invoice.totl > $5 { award 1 point }',
    line: 1,
    message: /invoice\.totl is not a field of invoice\.paid; did you mean invoice\.total\?/,
  },
  {
    code: "FIELD_NOT_ON_EVENT",
    src: 'reward "R" on invoice.paid when visit.method = "qr" { award 1 point }',
    line: 1,
    hint: /fields of invoice\.paid/,
  },
  { code: "INSTANT_ONLY_FIELD", src: 'reward "R" on visit.checked_in when visit.spend > $5 { award 1 point }', line: 1 },
  {
    code: "MONEY_NUMBER_MIX",
    src: 'reward "R" on invoice.paid\n  when invoice.total >= 20 { award 1 point }',
    line: 2,
    hint: /^write \$20$/,
  },
  { code: "MONEY_NUMBER_MIX", src: 'reward "R" on invoice.paid when invoice.total + 1 > $2 { award 1 point }', line: 1, hint: /write \$1/ },
  { code: "TYPE_MISMATCH", src: 'reward "R" on invoice.paid when invoice.id = 3 { award 1 point }', line: 1 },
  { code: "TYPE_MISMATCH", src: 'reward "R" on invoice.paid when [1, "a"] = [] { award 1 point }', line: 1, message: /mixes/ },
  { code: "TYPE_MISMATCH", src: 'reward "R" on invoice.paid when invoice.total has tag "x" { award 1 point }', line: 1 },
  { code: "CONDITION_NOT_BOOLEAN", src: 'reward "R" on invoice.paid when invoice.total { award 1 point }', line: 1 },
  { code: "CONDITION_NOT_BOOLEAN", src: 'reward "R" on invoice.paid when not invoice.id { award 1 point }', line: 1 },
  { code: "MISSING_CLAUSE", src: 'earn "E" on invoice.paid {\n  mode total_spend\n}', line: 1, message: /needs a rate/ },
  { code: "MISSING_CLAUSE", src: 'reward "R" on invoice.paid { limit once per member }', line: 1, message: /needs an award/ },
  { code: "MISSING_CLAUSE", src: 'reward "R" manual { award 1 point }', line: 1, message: /needs a prompt/ },
  { code: "MISSING_CLAUSE", src: 'instant "I" { window 1 hour when visit.points > 1 }', line: 1, message: /needs an unlock clause/ },
  {
    code: "MISSING_CLAUSE",
    src: 'instant "I" {\n window 1 hour\n when visit.points > 1\n unlock coupon "c"\n}',
    line: 4,
    message: /time to use/,
  },
  { code: "MISSING_CLAUSE", src: 'milestone "M" unlimited { }', line: 1 },
  { code: "MISSING_CLAUSE", src: 'milestone "M" limited { }', line: 1 },
  {
    code: "DUPLICATE_CLAUSE",
    src: 'earn "E" on invoice.paid {\n  rate 1 point per $10\n  rate 2 points per $10\n}',
    line: 3,
    hint: /line 2/,
  },
  { code: "DUPLICATE_CLAUSE", src: 'reward "R" on visit.checked_in {\n  award 1 point\n  award 2 points to member\n}', line: 3 },
  {
    code: "CLAUSE_NOT_ALLOWED",
    src: 'earn "E" on invoice.paid {\n  rate 1 point per $10\n  accumulate no\n}',
    line: 3,
    message: /only for reward rules/,
  },
  { code: "CLAUSE_NOT_ALLOWED", src: 'milestone "M" unlimited { phase "P" after 1 perfect surveys award 1 point }', line: 1 },
  { code: "CLAUSE_NOT_ALLOWED", src: 'reward "R" on visit.checked_in { award 1 point window 1 hour }', line: 1 },
  {
    code: "MINIMUM_WITH_TOTAL_SPEND",
    src: 'earn "E" on invoice.paid {\n  rate 1 point per $10\n  mode total_spend\n  minimum $20\n}',
    line: 4,
  },
  { code: "REFERRER_OUTSIDE_REFERRAL", src: 'reward "R" on visit.checked_in {\n  award 1 point to referrer\n}', line: 2 },
  { code: "DUPLICATE_RULE_NAME", src: `${E}earn "E" on invoice.paid { rate 1 point per $5 }`, line: 2, hint: /line 1/ },
  {
    code: "UNKNOWN_COUPON",
    src: 'reward "R" on visit.checked_in { award coupon "ten-of" }',
    line: 1,
    catalog: ["ten-off"],
    message: /did you mean "ten-off"/,
  },
  { code: "INVALID_LIMIT", src: 'reward "R" on visit.checked_in { award 1 point limit 0 per day }', line: 1 },
  { code: "INVALID_COUNT", src: 'milestone "M" unlimited { every 0 perfect surveys award 1 point }', line: 1 },
  { code: "INVALID_RATE", src: 'earn "E" on invoice.paid { rate 1 point per $0 }', line: 1 },
  { code: "DURING_REVERSED", src: 'reward "R" on visit.checked_in { award 1 point during 2026-12-31 to 2026-12-01 }', line: 1 },
  { code: "EMPTY_NAME", src: 'reward "" on visit.checked_in { award 1 point }', line: 1 },
  {
    code: "TOO_COMPLEX",
    src: `reward "R" on visit.checked_in when ${"(".repeat(40)}true${")".repeat(40)} { award 1 point }`,
    line: 1,
    message: /nests more than 32/,
  },
  { code: "NO_EFFECT", src: 'reward "R" on visit.checked_in { award 0 points }', line: 1 },
];

describe("diagnostics by code", () => {
  for (const c of cases) {
    it(`${c.code}: ${c.src.split("\n").join(" ").slice(0, 70)}`, () => {
      const { diagnostics } = check(c.src, c.catalog ? { catalog: c.catalog } : {});
      const d = diagnostics.find((x) => x.code === c.code);
      expect(d, JSON.stringify(diagnostics)).toBeDefined();
      expect(d!.line).toBe(c.line);
      expect(d!.column).toBeGreaterThanOrEqual(1);
      expect(d!.endLine * 10000 + d!.endColumn).toBeGreaterThanOrEqual(d!.line * 10000 + d!.column);
      if (c.message) expect(d!.message).toMatch(c.message);
      if (c.hint) expect(d!.hint ?? "").toMatch(c.hint);
    });
  }
});

describe("checker behaviour", () => {
  it("accepts the example rule set of the specification without any diagnostic", async () => {
    const { readFileSync } = await import("node:fs");
    const src = readFileSync(new URL("./fixtures/spec-example.rules", import.meta.url), "utf8");
    expect(check(src, { catalog: ["free-whitening", "ten-off", "movie-ticket"] }).diagnostics).toEqual([]);
  });

  it("reports every error, not just the first, including after a syntax error", () => {
    const src = [
      'earn "A" on invoice.paid when invoice.total >= 20 {', // 1: money mix
      "  rate 1 point $10", // 2: syntax
      "}",
      'reward "B" on invoice.paid when invoice.totl > $5 {', // 4: unknown field
      "  award 5 points",
      "}",
      'reward "B" on nope.event {', // 7: duplicate name + unknown event
      "  award 1 point",
      "}",
    ].join("\n");
    const lines = [...new Set(check(src).diagnostics.map((d) => d.line))];
    expect(lines).toEqual([1, 2, 4, 7]);
    const codes = check(src).diagnostics.map((d) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining(["MONEY_NUMBER_MIX", "PARSE_MISSING_TOKEN", "UNKNOWN_FIELD", "DUPLICATE_RULE_NAME", "UNKNOWN_EVENT"]),
    );
  });

  it("does not cascade: an unknown event does not make its fields errors", () => {
    const { diagnostics } = check('reward "R" on invoice.payd when invoice.total > $5 { award 1 point }');
    expect(diagnostics.map((d) => d.code)).toEqual(["UNKNOWN_EVENT"]);
    expect(diagnostics[0]!.message).toContain("did you mean invoice.paid?");
  });

  it("coupons go unchecked without a catalog", () => {
    expect(check('reward "R" on visit.checked_in { award coupon "anything" }').diagnostics).toEqual([]);
  });

  it("prints a diagnostic with the source line and carets under the span", () => {
    const src = 'reward "R" on invoice.paid\n  when invoice.total >= 20 { award 1 point }';
    const d = check(src).diagnostics[0]!;
    expect(formatDiagnostic(src, d, "rules.tally")).toBe(
      [
        "error[MONEY_NUMBER_MIX]: cannot compare money (invoice.total) and a plain number (20)",
        " --> rules.tally:2:25",
        "  |",
        "2 |   when invoice.total >= 20 { award 1 point }",
        "  |                         ^^",
        "  = hint: write $20",
      ].join("\n"),
    );
  });
});
