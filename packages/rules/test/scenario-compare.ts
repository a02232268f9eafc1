// The comparison rules of ../shared/scenarios/README.md (and tools/check-scenarios.mjs).
import { isDeepStrictEqual } from "node:util";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

function sameMultiset(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  const left = a.map((x) => JSON.stringify(sortKeys(x))).sort();
  const right = b.map((x) => JSON.stringify(sortKeys(x))).sort();
  return left.every((x, i) => x === right[i]);
}

function errorLines(out: Record<string, unknown>): number[] {
  const errors = (out.errors ?? []) as { line: number }[];
  return [...new Set(errors.map((e) => e.line))].sort((x, y) => x - y);
}

/** Problems found comparing an output with a scenario's `expect`; empty when it matches. */
export function compareExpect(expect: Record<string, unknown>, out: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, want] of Object.entries(expect)) {
    if (key === "errorLines") {
      const got = errorLines(out);
      if (!isDeepStrictEqual(got, want)) problems.push(`error lines ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    } else if (key === "errorLineSets") {
      const got = errorLines(out);
      const sets = want as number[][];
      const union = new Set(sets.flat());
      const missing = sets.filter((set) => !set.some((l) => got.includes(l)));
      const extra = got.filter((l) => !union.has(l));
      if (missing.length || extra.length || got.length === 0)
        problems.push(`error lines ${JSON.stringify(got)}, expected one in each of ${JSON.stringify(want)}`);
    } else if (!(key in out)) {
      problems.push(`output has no "${key}"`);
    } else if (Array.isArray(want) ? !sameMultiset(want, out[key]) : !isDeepStrictEqual(sortKeys(want), sortKeys(out[key]))) {
      problems.push(`${key}: got ${JSON.stringify(out[key])}, expected ${JSON.stringify(want)}`);
    }
  }
  return problems;
}
