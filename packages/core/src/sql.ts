// Bulk writes as one JSON parameter: `jsonb_to_recordset($1::jsonb)` turns an array of objects
// into rows inside PostgreSQL. One bind parameter however many rows, no per-row query building
// (drizzle's builder dominated the import's CPU time), and the same on PGlite and PostgreSQL.

import type { Tx } from "@tally/db";
import { type SQL, sql } from "drizzle-orm";
import type { Ctx } from "./context.ts";

/** The rows of a raw query: PGlite answers `{ rows }`, postgres-js the array itself. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

export async function query<T>(db: Tx | Ctx["db"], q: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(q));
}

/**
 * A PostgreSQL array literal of these values, one bind parameter however many. Unlike a JSON
 * array expanded by a set-returning function (which the planner counts as 100 rows, and which
 * turned a batch's index probes into scans of the practice's rows), `= any(array)` is planned for
 * what it is: an index lookup per value.
 */
export const arrayLiteral = (values: Iterable<string>) => `{${[...values].map((v) => `"${v.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
/** `column = ${anyUuid(ids)}`: one of these ids. */
export const anyUuid = (ids: Iterable<string>) => sql`any(${arrayLiteral(ids)}::uuid[])`;
/** `column = ${anyText(values)}`: one of these strings. */
export const anyText = (values: Iterable<string>) => sql`any(${arrayLiteral(values)}::text[])`;
/**
 * `column in ${textSet(values)}`: one of these strings, as a set. Under an `or` it is a hashed
 * filter, for a second list beside an indexed `= any(ids)`: two `= any` on consecutive index
 * columns are probed as their product (an import's batch: 4,000 members × 5,000 invoices), and a
 * filter `= any($param)` compares each row with every value.
 */
export const textSet = (values: Iterable<string>) => sql`(select unnest(${arrayLiteral(values)}::text[]))`;

/** A JSON array of row objects as the single parameter of `jsonb_to_recordset`. */
export const jsonRows = (rows: unknown[]) => sql`${JSON.stringify(rows)}::jsonb`;

/**
 * A query built once per database (drizzle's `.prepare`): hot paths such as the session lookup
 * on every request skip rebuilding the SQL text; values come in as `sql.placeholder`s.
 */
export function perDatabase<D extends object, T>(build: (db: D) => T): (db: D) => T {
  const built = new WeakMap<D, T>();
  return (db) => {
    let q = built.get(db);
    if (!q) {
      q = build(db);
      built.set(db, q);
    }
    return q;
  };
}

/** The postgres.js client under drizzle (a transaction's own client inside a transaction). */
export interface RawSql {
  unsafe(query: string, params?: unknown[]): Promise<Record<string, unknown>[]> & { writable(): Promise<import("node:stream").Writable> };
}

/** The postgres.js client of this database or transaction; null on PGlite (no COPY there). */
export function rawClient(db: unknown): RawSql | null {
  const client = (db as { session?: { client?: unknown } }).session?.client as { unsafe?: unknown } | undefined;
  return client && typeof client.unsafe === "function" ? (client as unknown as RawSql) : null;
}

/** A field of COPY's text format (null as `\N`). */
export const copyText = (s: string | null) =>
  s === null
    ? "\\N"
    : /[\\\t\n\r]/.test(s)
      ? s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!)
      : s;

/**
 * `COPY ... FROM STDIN` of the chunks. postgres.js reports an error that arrives after the last
 * chunk (a unique violation found at the end, say) only to the query's reject, never to the
 * stream, which then never finishes: the reject is hooked so that such an error ends the wait.
 */
export async function copyIn(pg: RawSql, statement: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const q = pg.unsafe(statement) as ReturnType<RawSql["unsafe"]> & { reject?: (e: unknown) => void };
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const reject = q.reject;
  if (typeof reject === "function")
    q.reject = (e: unknown) => {
      fail(e);
      return reject(e);
    };
  const target = await Promise.race([q.writable(), failed]);
  target.once("error", fail);
  for await (const chunk of chunks) {
    if (!target.write(chunk)) await Promise.race([new Promise((r) => target.once("drain", r)), failed]);
  }
  const done = new Promise<void>((resolve) => target.once("finish", resolve));
  target.end();
  await Promise.race([done, failed]);
}
