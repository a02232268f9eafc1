import { describe, expect, test } from "vitest";
import { collapse, diffStats, lineDiff } from "./line-diff.ts";

describe("lineDiff", () => {
  test("identical texts are all the same", () => {
    const d = lineDiff("a\nb\n", "a\nb\n");
    expect(d.map((l) => l.kind)).toEqual(["same", "same"]);
  });

  test("a changed line is a removal then an addition, with line numbers", () => {
    const d = lineDiff("a\nb\nc", "a\nB\nc\nd");
    expect(d).toEqual([
      { kind: "same", text: "a", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "b", oldLine: 2 },
      { kind: "added", text: "B", newLine: 2 },
      { kind: "same", text: "c", oldLine: 3, newLine: 3 },
      { kind: "added", text: "d", newLine: 4 },
    ]);
    expect(diffStats(d)).toEqual({ added: 2, removed: 1 });
  });

  test("from and to empty", () => {
    expect(lineDiff("", "x").map((l) => l.kind)).toEqual(["added"]);
    expect(lineDiff("x\ny", "").map((l) => l.kind)).toEqual(["removed", "removed"]);
  });

  test("applying the diff rebuilds both sides", () => {
    const a = "rate 1\nmode x\nitems all\n}\n";
    const b = "rate 2\nitems all\nminimum $20\n}\n";
    const d = lineDiff(a, b);
    expect(d.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(a.trimEnd().split("\n"));
    expect(d.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(b.trimEnd().split("\n"));
  });
});

describe("collapse", () => {
  test("keeps context around changes and counts the rest", () => {
    const old = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join("\n");
    const next = old.replace("l10", "L10");
    const rows = collapse(lineDiff(old, next), 2);
    expect(rows.map((r) => (r.kind === "skip" ? `skip ${r.count}` : r.text))).toEqual([
      "skip 7",
      "l8",
      "l9",
      "l10",
      "L10",
      "l11",
      "l12",
      "skip 8",
    ]);
  });
  test("no changes collapse to one skip", () => {
    expect(collapse(lineDiff("a\nb", "a\nb"))).toEqual([{ kind: "skip", count: 2 }]);
  });
});
