// With Citus, practice_id is the distribution column: a join between two distributed tables runs
// on one shard only when its condition holds the tables to one practice. This reads the source
// (core, the API, db) for drizzle joins (`.innerJoin(` and kin) and SQL `join ... on` whose joined
// table is distributed (schema/distribution.ts), and fails on a condition without an equality on
// the joined table's practice_id.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as db from "@tally/db";
import { getTableName, type Table } from "drizzle-orm";
import { describe, expect, it } from "vitest";

const root = new URL("../../..", import.meta.url).pathname;
const folders = ["packages/core/src", "apps/api/src", "packages/db/src"];

/** Joins left as they are for now, as `file:table` (none today; an entry must name a join still there). */
const allowed = new Set<string>([]);

const distributed = new Set(db.distributedTables.map((t) => getTableName(t)));
/** drizzle's variable names for the tables (schema exports). */
const tableOf = new Map<string, string>();
const tables = new Set<unknown>([...db.distributedTables, ...db.referenceTables]);
for (const [name, value] of Object.entries(db)) if (tables.has(value)) tableOf.set(name, getTableName(value as Table));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

/** The text of the call's arguments from the opening parenthesis at `open`. */
function argumentsAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

interface Join {
  file: string;
  line: number;
  table: string;
  condition: string;
}

function joinsIn(file: string): { joins: Join[]; uncolocated: Join[] } {
  const text = readFileSync(file, "utf8");
  const rel = relative(root, file);
  const lineAt = (i: number) => text.slice(0, i).split("\n").length;
  const aliases = new Map<string, string>();
  for (const m of text.matchAll(/const\s+(\w+)\s*=\s*alias\(\s*(\w+)\s*,/g)) aliases.set(m[1]!, m[2]!);
  const joins: Join[] = [];
  const uncolocated: Join[] = [];
  // drizzle: .innerJoin(table, condition)
  for (const m of text.matchAll(/\.(?:inner|left|right|full)Join\(/g)) {
    const args = argumentsAt(text, m.index! + m[0].length - 1);
    const name = /^\s*(\w+)/.exec(args)?.[1] ?? "";
    const table = tableOf.get(aliases.get(name) ?? name);
    if (!table || !distributed.has(table)) continue;
    const condition = args.slice(args.indexOf(",") + 1);
    const j = { file: rel, line: lineAt(m.index!), table, condition: condition.replace(/\s+/g, " ").trim() };
    joins.push(j);
    const column = `${name}.practiceId`;
    if (!condition.includes(`eq(${column},`) && !new RegExp(`,\\s*${name}\\.practiceId\\s*\\)`).test(condition)) uncolocated.push(j);
  }
  // SQL: join table [alias] on condition (to the next clause)
  for (const m of text.matchAll(
    /\bjoin\s+(\w+)(?:\s+(?:as\s+)?(?!on\b)(\w+))?\s+on\s+([\s\S]*?)(?=\bjoin\b|\bwhere\b|\bgroup\s+by\b|\border\s+by\b|\blimit\b|\bunion\b|`|;|\)\s*(?:select|update|insert|delete|,|$))/gi,
  )) {
    const table = m[1]!.toLowerCase();
    if (!distributed.has(table)) continue;
    const name = m[2] ?? table;
    const condition = m[3]!.replace(/\s+/g, " ").trim();
    const j = { file: rel, line: lineAt(m.index!), table, condition };
    joins.push(j);
    const equality = new RegExp(`\\b${name}\\.practice_id\\s*=|=\\s*${name}\\.practice_id\\b`, "i");
    if (!equality.test(condition)) uncolocated.push(j);
  }
  return { joins, uncolocated };
}

describe("joins between distributed tables are co-located (Citus)", () => {
  const all = folders.flatMap((f) => sources(join(root, f))).map(joinsIn);

  it("finds the joins it checks", () => {
    const found = all.flatMap((r) => r.joins);
    // The scan sees drizzle's joins and SQL's (it would pass vacuously otherwise).
    expect(found.some((j) => j.file.endsWith("search-members.ts") && j.table === "member_balances")).toBe(true);
    expect(found.some((j) => j.file.endsWith("expire-due.ts") && j.table === "members")).toBe(true);
  });

  it("every join of a distributed table holds its practice_id equal", () => {
    const bad = all
      .flatMap((r) => r.uncolocated)
      .filter((j) => !allowed.has(`${j.file}:${j.table}`))
      .map((j) => `${j.file}:${j.line} join ${j.table} on ${j.condition}`);
    expect(bad).toEqual([]);
  });

  it("the allow-list names only joins still there", () => {
    const left = new Set(all.flatMap((r) => r.uncolocated).map((j) => `${j.file}:${j.table}`));
    expect([...allowed].filter((a) => !left.has(a))).toEqual([]);
  });
});
