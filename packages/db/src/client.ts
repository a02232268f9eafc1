// One typed database either way: embedded PGlite (data in a local folder) by default,
// PostgreSQL through the `postgres` driver when a URL is given.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Applies the committed migrations (idempotent). */
  migrate(): Promise<void>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

export interface DatabaseOptions {
  /** postgres://... — when set, PostgreSQL is used. */
  url?: string;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  max?: number;
}

/**
 * drizzle sends every query-builder statement through `sql.unsafe(..., { prepare: false })`, and
 * postgres.js runs an unprepared statement that has parameters in two round trips (Parse +
 * Describe, wait, then Bind + Execute), parsed and planned by PostgreSQL every time. This gives
 * drizzle's statements the driver's own default instead: prepared once per connection (keyed by
 * their text), then one round trip each. Transactions and savepoints get the same client.
 */
function preparedByDefault(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (key === "unsafe") {
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      }
      if ((key === "begin" || key === "savepoint") && typeof value === "function") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          return value.call(target, ...args, (tx: postgres.Sql) => fn(preparedByDefault(tx)));
        };
      }
      return value;
    },
  });
}

export function createDatabase(options: DatabaseOptions = {}): Database {
  if (options.url) {
    const sql = postgres(options.url, { max: options.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(preparedByDefault(sql), { schema, casing: "snake_case" }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      migrate: () => migratePostgres(db as never, { migrationsFolder }),
      ping: async () => {
        try {
          await sql`select 1`;
          return true;
        } catch {
          return false;
        }
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir);
  const db = drizzlePglite(client, { schema, casing: "snake_case" }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: async () => {
      try {
        await client.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
