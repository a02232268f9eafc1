// The schema is ready to shard by practice (Citus, distribution column practice_id): read from
// the catalog of a migrated database, every table is in exactly one list of
// schema/distribution.ts, and every distributed table carries practice_id in its primary key,
// its unique constraints and indexes, and its foreign keys to other distributed tables.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "./client.ts";
import { distributedTableNames, referenceTableNames } from "./schema/distribution.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

interface Key {
  name: string;
  kind: "p" | "u" | "f" | "i";
  table: string;
  columns: string[];
  refTable: string | null;
  refColumns: string[];
}

const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

async function catalog(db: Db) {
  const tables = rowsOf<{ name: string }>(
    await db.execute(sql`select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`),
  ).map((r) => r.name);
  const practiceColumn = new Map(
    rowsOf<{ table: string; nullable: string }>(
      await db.execute(sql`select table_name::text as table, is_nullable::text as nullable from information_schema.columns
        where table_schema = 'public' and column_name = 'practice_id'`),
    ).map((r) => [r.table, r.nullable === "NO"]),
  );
  const columnsOf = (rel: string, keys: string) =>
    sql.raw(`array(select a.attname::text from unnest(${keys}) with ordinality k(attnum, ord)
      join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.attnum order by k.ord)`);
  const constraints = rowsOf<Key>(
    await db.execute(sql`select con.conname::text as name, con.contype::text as kind, rel.relname::text as table,
        ${columnsOf("con.conrelid", "con.conkey")} as columns,
        frel.relname::text as "refTable", ${columnsOf("con.confrelid", "coalesce(con.confkey, '{}')")} as "refColumns"
      from pg_constraint con
      join pg_class rel on rel.oid = con.conrelid
      join pg_namespace n on n.oid = rel.relnamespace
      left join pg_class frel on frel.oid = con.confrelid
      where n.nspname = 'public' and con.contype in ('p', 'u', 'f')`),
  );
  // Unique indexes that are not a constraint's own (CREATE UNIQUE INDEX, partial ones included).
  const uniqueIndexes = rowsOf<Key>(
    await db.execute(sql`select i.relname::text as name, 'i' as kind, t.relname::text as table,
        ${columnsOf("ix.indrelid", "ix.indkey::int2[]")} as columns, null as "refTable", '{}'::text[] as "refColumns"
      from pg_index ix
      join pg_class i on i.oid = ix.indexrelid
      join pg_class t on t.oid = ix.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and ix.indisunique
        and not exists (select 1 from pg_constraint con where con.conindid = ix.indexrelid)`),
  );
  return { tables, practiceColumn, keys: [...constraints, ...uniqueIndexes] };
}

/** What breaks the rule, one line per problem (empty: ready to distribute). */
async function distributionProblems(db: Db, lists = { distributed: distributedTableNames, reference: referenceTableNames }) {
  const { tables, practiceColumn, keys } = await catalog(db);
  const distributed = new Set(lists.distributed);
  const reference = new Set(lists.reference);
  const problems: string[] = [];
  for (const t of tables) {
    if (distributed.has(t) && reference.has(t)) problems.push(`${t}: listed as both distributed and reference`);
    if (!distributed.has(t) && !reference.has(t)) problems.push(`${t}: in neither list of schema/distribution.ts`);
  }
  for (const t of [...distributed, ...reference]) if (!tables.includes(t)) problems.push(`${t}: listed but not in the database`);
  for (const t of tables.filter((name) => distributed.has(name))) {
    if (practiceColumn.get(t) !== true) problems.push(`${t}: no practice_id column (not null)`);
    const mine = keys.filter((k) => k.table === t);
    const pk = mine.find((k) => k.kind === "p");
    if (!pk) problems.push(`${t}: no primary key`);
    for (const k of mine) {
      if (k.kind === "p" && !k.columns.includes("practice_id")) problems.push(`${t}: primary key ${k.name} without practice_id`);
      if ((k.kind === "u" || k.kind === "i") && !k.columns.includes("practice_id"))
        problems.push(`${t}: unique ${k.name} (${k.columns.join(", ")}) without practice_id`);
      if (k.kind === "f" && k.refTable && distributed.has(k.refTable)) {
        const at = k.columns.indexOf("practice_id");
        if (at < 0 || k.refColumns[at] !== "practice_id")
          problems.push(`${t}: foreign key ${k.name} to ${k.refTable} without practice_id = practice_id`);
      }
    }
  }
  for (const k of keys)
    if (k.kind === "f" && reference.has(k.table) && k.refTable && distributed.has(k.refTable))
      problems.push(`${k.table}: reference table with a foreign key (${k.name}) to the distributed ${k.refTable}`);
  return problems;
}

describe("distribution by practice", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("every table is distributed by practice_id (in its keys) or a reference table", async () => {
    expect(await distributionProblems(t.db)).toEqual([]);
    // The lists hold every table once.
    expect(new Set([...distributedTableNames, ...referenceTableNames]).size).toBe(
      distributedTableNames.length + referenceTableNames.length,
    );
    expect(referenceTableNames).toContain("practices");
  });

  it("names each table that breaks the rule, and why", async () => {
    await t.db.execute(sql`create table catalog_probe (id uuid primary key, practice_id uuid, member_id uuid, token text unique)`);
    await t.db.execute(sql`create table catalog_probe_child (practice_id uuid not null, id uuid not null, probe_id uuid references catalog_probe (id),
      member_id uuid, primary key (practice_id, id), foreign key (practice_id, member_id) references members (practice_id, id))`);
    await t.db.execute(sql`create unique index catalog_probe_child_member_key on catalog_probe_child (member_id)`);
    const lists = { distributed: [...distributedTableNames, "catalog_probe", "catalog_probe_child"], reference: referenceTableNames };
    try {
      expect(await distributionProblems(t.db)).toEqual(
        expect.arrayContaining([
          "catalog_probe: in neither list of schema/distribution.ts",
          "catalog_probe_child: in neither list of schema/distribution.ts",
        ]),
      );
      const probes = (all: string[]) => all.filter((p) => p.startsWith("catalog_probe"));
      const problems = probes(await distributionProblems(t.db, lists));
      expect(problems).toEqual(
        expect.arrayContaining([
          "catalog_probe: no practice_id column (not null)",
          "catalog_probe: primary key catalog_probe_pkey without practice_id",
          "catalog_probe: unique catalog_probe_token_key (token) without practice_id",
          "catalog_probe_child: unique catalog_probe_child_member_key (member_id) without practice_id",
          "catalog_probe_child: foreign key catalog_probe_child_probe_id_fkey to catalog_probe without practice_id = practice_id",
        ]),
      );
      expect(problems).toHaveLength(5); // the composite key to members is right
      const asReference = {
        distributed: distributedTableNames,
        reference: [...referenceTableNames, "catalog_probe", "catalog_probe_child"],
      };
      expect(probes(await distributionProblems(t.db, asReference))).toEqual([
        "catalog_probe_child: reference table with a foreign key (catalog_probe_child_practice_id_member_id_fkey) to the distributed members",
      ]);
    } finally {
      await t.db.execute(sql`drop table catalog_probe_child`);
      await t.db.execute(sql`drop table catalog_probe`);
    }
  });
});
