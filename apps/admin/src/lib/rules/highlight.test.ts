import { eventTypes } from "@tally/rules";
import { describe, expect, test } from "vitest";
import { highlightHtml, offsetOf, positionOf, tokenize } from "./highlight.ts";

const sample = `# spend
earn "Spend points" on invoice.paid when invoice.total >= $20 {
  rate 1 point per $10
  during 2026-12-01 to 2026-12-31
}
`;

describe("tokenize", () => {
  test("texts concatenate back to the source", () => {
    expect(
      tokenize(sample)
        .map((t) => t.text)
        .join(""),
    ).toBe(sample);
  });

  test("classifies keywords, events, fields, strings, money, dates and comments", () => {
    const kinds = Object.fromEntries(tokenize(sample).map((t) => [t.text, t.kind]));
    expect(kinds).toMatchObject({
      "# spend": "comment",
      earn: "keyword",
      '"Spend points"': "string",
      "invoice.paid": "event",
      "invoice.total": "field",
      ">=": "operator",
      $20: "money",
      "2026-12-01": "date",
      "{": "punct",
    });
  });

  test("every event type of the rules catalog is an event, a near miss is not", () => {
    for (const type of eventTypes) expect(tokenize(`on ${type} {`)[2]).toEqual({ kind: "event", text: type });
    expect(tokenize("on visit.checked {")[2]).toEqual({ kind: "field", text: "visit.checked" });
  });

  test("knows the words of expiry, tiers, caps, availability and yearly dates", () => {
    const v2 = `expire points 12 months after earning
tiers by spend over 12 months {
  tier "Gold" from $1,000 multiplier 1.25
}
earn "Spend" on invoice.paid when event.weekday = "tuesday" {
  cap 500 points per invoice
  available after 2 weeks
  during every year 12-15 to 01-05
}
`;
    const kinds = Object.fromEntries(tokenize(v2).map((t) => [t.text, t.kind]));
    for (const word of [
      "expire",
      "months",
      "earning",
      "tiers",
      "by",
      "spend",
      "over",
      "tier",
      "from",
      "multiplier",
      "cap",
      "invoice",
      "available",
      "weeks",
      "every",
      "year",
    ])
      expect(kinds[word], word).toBe("keyword");
    expect(kinds).toMatchObject({ "12-15": "date", "01-05": "date", "1.25": "number", "event.weekday": "field", "$1,000": "money" });
    expect(
      tokenize("after 18 months without activity")
        .map((t) => t.kind)
        .filter((k) => k !== "text"),
    ).toEqual(["keyword", "number", "keyword", "keyword", "keyword"]);
  });

  test("never fails on odd input", () => {
    const odd = 'reward "unterminated\n@@ ~ 12abc';
    expect(
      tokenize(odd)
        .map((t) => t.text)
        .join(""),
    ).toBe(odd);
  });
});

describe("positions", () => {
  test("offsetOf and positionOf agree", () => {
    const off = offsetOf(sample, 3, 10);
    expect(sample.slice(off, off + 5)).toBe("point");
    expect(positionOf(sample, off)).toEqual({ line: 3, column: 10 });
  });
  test("offsetOf clamps past the end of a line", () => {
    expect(offsetOf("ab\ncd", 1, 99)).toBe(2);
  });
});

describe("highlightHtml", () => {
  test("escapes html and marks diagnostic ranges", () => {
    const html = highlightHtml('earn "<b>" on invoice.totl {}', [{ line: 1, column: 15, endLine: 1, endColumn: 26, severity: "error" }]);
    expect(html).toContain("&lt;b&gt;");
    expect(html).toContain('<mark class="diag error">invoice.totl</mark>');
  });
  test("a diagnostic at the end still shows", () => {
    expect(highlightHtml("earn", [{ line: 1, column: 5, endLine: 1, endColumn: 5, severity: "error" }])).toContain(
      '<mark class="diag error"> </mark>',
    );
  });
});
