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
