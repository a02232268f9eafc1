// One typed database either way: embedded PGlite (data in a local folder) by default,
// PostgreSQL through the `postgres` driver when a URL is given.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
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
  /**
   * Turns the in-memory read caches on (see `cacheVersion`). PGlite: always on (one process owns
   * the data folder). PostgreSQL: this process hears, on a connection of its own, the tables every
   * other process of the database wrote (NOTIFY on `tally_cache`, sent in the writing transaction,
   * so it arrives with the commit), and drops what it read from them.
   */
  enableReadCaches(): Promise<void>;
  /**
   * Turns the read caches on (enableReadCaches) and tries to become the database's first Tally
   * server: on PostgreSQL a session advisory lock held on a connection of its own until close().
   * False when another process holds it (that server sweeps the shared upload folder). PGlite:
   * always true.
   */
  claimExclusive(): Promise<boolean>;
  /**
   * Hears NOTIFY on a channel (PostgreSQL: on a connection of its own; notifications sent inside
   * a transaction arrive once it commits). Answers the function that stops listening.
   */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** The embedded PGlite instance itself (for pg-boss's PGlite backend); absent on PostgreSQL. */
  pglite?: PGlite;
  /** The PostgreSQL connection string (for pg-boss's own pool); absent on PGlite. */
  url?: string;
}

/** The tables a statement writes: null for a read, "all" when the text does not say. */
type Written = ReadonlySet<string> | "all" | null;

const writeTarget = /\b(?:insert\s+into|update|delete\s+from|copy)\s+"?([a-z_][a-z0-9_]*)"?/gi;

/** Which tables a statement writes, from its text (drizzle's and the app's own SQL): none for a
 *  SELECT or a WITH query without INSERT/UPDATE/DELETE; the targets of INSERT/UPDATE/DELETE/COPY;
 *  every table for anything else (DDL, SET, TRUNCATE...). Words after `update` in `do update set`
 *  or `for update` only add names no cache depends on. */
export function writtenTables(query: string): Written {
  const head = /^\s*(\w+)/.exec(query)?.[1]?.toLowerCase();
  if (head === "select") return null;
  const tables = new Set<string>();
  for (const m of query.matchAll(writeTarget)) tables.add(m[1]!.toLowerCase());
  if (head === "with") return tables.size > 0 ? tables : null;
  return tables.size > 0 && (head === "insert" || head === "update" || head === "delete" || head === "copy") ? tables : "all";
}

/** Tables written in one transaction, counted when it ends. */
class TxWrites {
  tables = new Set<string>();
  all = false;
  add(written: Written) {
    if (written === "all") this.all = true;
    else if (written) for (const t of written) this.tables.add(t);
  }
}

/** Counts the writes that finished through one database object, and those other processes
 *  announced, per table (see cacheVersion). */
class WriteCounter {
  /** Writes whose tables are unknown (they change every table's version). */
  private any = 0;
  private readonly perTable = new Map<string, number>();
  /** Whether caches may serve reads: PGlite always; PostgreSQL while the invalidations are heard. */
  caching: boolean;
  constructor(caching: boolean) {
    this.caching = caching;
  }
  wrote(written: Written | TxWrites) {
    if (written === null) return;
    if (written === "all" || (written instanceof TxWrites && written.all)) this.any++;
    else for (const t of written instanceof TxWrites ? written.tables : written) this.perTable.set(t, (this.perTable.get(t) ?? 0) + 1);
  }
  version(tables: readonly string[]): number {
    let v = this.any;
    for (const t of tables) v += this.perTable.get(t) ?? 0;
    return v;
  }
}
const counters = new WeakMap<object, WriteCounter>();

/**
 * For exact in-memory read caches: a number that changes whenever a write to one of `tables` has
 * finished, through this database object (a transaction ended, or a statement outside one) or,
 * on PostgreSQL, through any other process of the database (heard by NOTIFY, see
 * enableReadCaches); undefined when caching is off (not enabled, the invalidations are not heard
 * at the moment, or `db` is a transaction). A cached read is valid while the number it was read
 * under is still current; take the number before reading.
 */
export function cacheVersion(db: object, tables: readonly string[]): number | undefined {
  const counter = counters.get(db);
  return counter?.caching ? counter.version(tables) : undefined;
}

/** Where every process of a PostgreSQL database announces the tables it wrote: `origin|t1,t2`
 *  (`origin|*`: tables unknown). Sent inside the writing transaction, so it is delivered at
 *  commit, before the writer's caller hears of the write. */
export const cacheChannel = "tally_cache";

/** What one database object says of its writes on `tally_cache`. */
class WriteNotices {
  /** Tells this object's own notices from other processes'. */
  readonly origin = randomBytes(8).toString("hex");
  payload(written: Written | TxWrites): string | null {
    if (written === null) return null;
    if (written === "all" || (written instanceof TxWrites && written.all)) return `${this.origin}|*`;
    const tables = [...(written instanceof TxWrites ? written.tables : written)];
    return tables.length === 0 ? null : `${this.origin}|${tables.join(",")}`;
  }
  /** The tables another process wrote, or null for this object's own notice. */
  heard(payload: string): Written {
    const [origin, tables = "*"] = payload.split("|");
    if (origin === this.origin) return null;
    return tables === "*" ? "all" : new Set(tables.split(","));
  }
}

/**
 * A NOTIFY reaches a listener some time after its transaction commits: a request that arrives
 * meanwhile (say, right after another process answered the write) could still be served from a
 * cache. So a cached read first waits until this process has heard a notice of its own sent after
 * the read began: notices arrive in commit order, so every write committed before it has been
 * heard by then. Reads waiting together share one such round trip.
 */
class ReadBarrier {
  private waiting: ((heard: boolean) => void)[] = [];
  private running = false;
  private seq = 0;
  private readonly echoes = new Map<string, () => void>();
  private readonly send: (token: string) => Promise<unknown>;
  constructor(send: (token: string) => Promise<unknown>) {
    this.send = send;
  }
  /** True once everything committed before the call is heard; false when that could not be
   *  made sure (the notice did not come back in time): read the database then. */
  wait(): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.running) void this.run();
    });
  }
  heard(token: string) {
    this.echoes.get(token)?.();
  }
  private async run() {
    this.running = true;
    while (this.waiting.length > 0) {
      const callers = this.waiting;
      this.waiting = [];
      const token = String(++this.seq);
      const heard = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 2_000);
        this.echoes.set(token, () => {
          clearTimeout(timer);
          resolve(true);
        });
        this.send(token).catch(() => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      this.echoes.delete(token);
      for (const c of callers) c(heard);
    }
    this.running = false;
  }
}
const barriers = new WeakMap<object, ReadBarrier>();

/**
 * Before a cached read on PostgreSQL: resolves true once every write other processes committed
 * before the call has been heard (so cacheVersion reflects them), false when that could not be
 * made sure (read the database). Undefined when there is nothing to wait for (PGlite: one process;
 * or caching is off).
 */
export function readBarrier(db: object): Promise<boolean> | undefined {
  if (!counters.get(db)?.caching) return undefined;
  return barriers.get(db)?.wait();
}

/**
 * Benchmarks only: this database object's cached reads stop waiting for the read barrier, as if
 * it were the only process of its database (then nothing else writes, and it is exact). With
 * other processes it could serve a read from before a write they committed.
 */
export function skipReadBarrier(db: object): void {
  barriers.delete(db);
}

/** Databases on one connection (PGlite): their transactions run one after another. */
const oneConnection = new WeakSet<object>();

/** True when the database runs one statement and one transaction at a time (embedded PGlite). */
export const runsOneAtATime = (db: object): boolean => oneConnection.has(db);

export const migrationsFolder = new URL("../drizzle", import.meta.url).pathname;

export interface DatabaseOptions {
  /** postgres://... — when set, PostgreSQL is used. */
  url?: string;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string;
  /** Pool size for PostgreSQL. */
  max?: number;
  /** PGlite: start from this data folder's dump (`dumpDataDir`), e.g. a migrated test database. */
  loadDataDir?: Blob;
}

/**
 * drizzle sends every query-builder statement through `sql.unsafe(..., { prepare: false })`, and
 * postgres.js runs an unprepared statement that has parameters in two round trips (Parse +
 * Describe, wait, then Bind + Execute), parsed and planned by PostgreSQL every time. This gives
 * drizzle's statements the driver's own default instead: prepared once per connection (keyed by
 * their text), then one round trip each. Transactions and savepoints get the same client.
 */
function preparedByDefault(sql: postgres.Sql, counter?: WriteCounter, txWrites?: TxWrites, notices?: WriteNotices): postgres.Sql {
  return new Proxy(sql, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (key === "unsafe") {
        return (query: string, params?: unknown[], options?: Record<string, unknown>) => {
          const pending = target.unsafe(query, params as never, { ...options, prepare: true });
          if (txWrites) txWrites.add(writtenTables(query));
          else if (counter) {
            const written = writtenTables(query);
            if (written) countWhenSettled(pending, counter, written, notices && (() => announce(sql, notices.payload(written))));
          }
          return pending;
        };
      }
      if ((key === "begin" || key === "savepoint") && typeof value === "function") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: postgres.Sql) => unknown;
          const writes = txWrites ?? new TxWrites();
          const outermost = !txWrites;
          const done = value.call(target, ...args, async (tx: postgres.Sql) => {
            const result = await fn(preparedByDefault(tx, undefined, writes));
            // The transaction's own notice: delivered to the other processes when it commits.
            if (outermost && notices) await announce(tx, notices.payload(writes));
            return result;
          }) as Promise<unknown>;
          if (!counter || txWrites) return done;
          return done.finally(() => {
            counter.wrote(writes);
          });
        };
      }
      return value;
    },
    // A tagged-template query (sql`...`) inside a transaction: its text is not at hand.
    apply(target, self, args) {
      txWrites?.add("all");
      return Reflect.apply(target as unknown as (...a: unknown[]) => unknown, self, args);
    },
  });
}

/** NOTIFY on tally_cache (nothing for a write of no table). A failed notice does not fail the
 *  write it follows (its transaction committed; the database is likely gone for the listeners too). */
async function announce(sql: postgres.Sql, payload: string | null): Promise<void> {
  if (payload) await sql`select pg_notify(${cacheChannel}, ${payload})`.catch(() => {});
}

/** A postgres.js query runs when first awaited: count the write once it has settled (and, for a
 *  statement outside a transaction on PostgreSQL, announce it before the caller goes on), keeping
 *  the query object itself (drizzle calls `.values()` on it before awaiting). */
function countWhenSettled(pending: PromiseLike<unknown>, counter: WriteCounter, written: Written, announce?: () => Promise<void>) {
  const then = pending.then;
  // biome-ignore lint/suspicious/noThenProperty: wraps the query's own then, keeping it a thenable.
  Object.defineProperty(pending, "then", {
    value(onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      return then.call(
        this,
        async (v: unknown) => {
          counter.wrote(written);
          await announce?.();
          return onFulfilled ? onFulfilled(v) : v;
        },
        async (e: unknown) => {
          counter.wrote(written);
          await announce?.();
          if (onRejected) return onRejected(e);
          throw e;
        },
      );
    },
  });
}

/** PGlite with its writes counted: `query`/`exec` outside a transaction, and `transaction`. */
function countedPglite(client: PGlite, counter: WriteCounter, txWrites?: TxWrites): PGlite {
  return new Proxy(client, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof value !== "function") return value;
      if (key === "query" || key === "exec") {
        return (query: string, ...rest: unknown[]) => {
          const written = writtenTables(query);
          const done = (value as (...a: unknown[]) => Promise<unknown>).call(target, query, ...rest);
          if (txWrites) {
            txWrites.add(written);
            return done;
          }
          return written === null
            ? done
            : done.finally(() => {
                counter.wrote(written);
              });
        };
      }
      if (key === "sql") {
        // Tagged-template queries: their text is not at hand.
        return (...args: unknown[]) => {
          if (txWrites) txWrites.add("all");
          const done = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          return txWrites ? done : done.finally(() => counter.wrote("all"));
        };
      }
      if (key === "transaction") {
        return (fn: (tx: PGlite) => Promise<unknown>) => {
          const writes = txWrites ?? new TxWrites();
          const done = (value as (f: (tx: PGlite) => Promise<unknown>) => Promise<unknown>).call(target, (tx) =>
            fn(countedPglite(tx, counter, writes)),
          );
          return txWrites
            ? done
            : done.finally(() => {
                counter.wrote(writes);
              });
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

export function createDatabase(options: DatabaseOptions = {}): Database {
  if (options.url) {
    const url = options.url;
    // JIT off: the product's statements are short, and once a large practice's row estimates
    // pass PostgreSQL's JIT thresholds, compiling a report's statement took 400 ms of its 560.
    const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { jit: "off" } });
    const counter = new WriteCounter(false);
    const notices = new WriteNotices();
    const db = drizzlePostgres(preparedByDefault(sql, counter, undefined, notices), { schema, casing: "snake_case" }) as unknown as Db;
    counters.set(db, counter);
    let lockHolder: postgres.Sql | undefined;
    let listener: postgres.Sql | undefined;
    const enableReadCaches = async () => {
      if (listener) return;
      // Its own connection: while it is down, notices are missed, so the caches are off until it
      // listens again, and then start over.
      listener = postgres(url, {
        max: 1,
        idle_timeout: 0,
        onnotice: () => {},
        onclose: () => {
          counter.caching = false;
        },
      });
      // This process's own channel carries the read barrier's echoes (ReadBarrier).
      const echoChannel = `${cacheChannel}_${notices.origin}`;
      const barrier = new ReadBarrier((token) => sql`select pg_notify(${echoChannel}, ${token})`);
      await listener.listen(echoChannel, (token) => barrier.heard(token));
      await listener.listen(
        cacheChannel,
        (payload) => counter.wrote(notices.heard(payload)),
        () => {
          counter.wrote("all");
          counter.caching = true;
        },
      );
      barriers.set(db, barrier);
    };
    return {
      db,
      kind: "postgres",
      url,
      migrate: () => migratePostgres(db as never, { migrationsFolder }),
      ping: async () => {
        try {
          await sql`select 1`;
          return true;
        } catch {
          return false;
        }
      },
      enableReadCaches,
      claimExclusive: async () => {
        await enableReadCaches();
        if (lockHolder) return true;
        const holder = postgres(url, { max: 1, idle_timeout: 0, onnotice: () => {} });
        const [row] = await holder`select pg_try_advisory_lock(hashtext('tally:server')) as locked`;
        if (!row?.locked) {
          await holder.end({ timeout: 5 });
          return false;
        }
        lockHolder = holder;
        return true;
      },
      listen: async (channel, onMessage) => {
        const { unlisten } = await sql.listen(channel, onMessage);
        return unlisten;
      },
      close: async () => {
        counter.caching = false;
        await listener?.end({ timeout: 5 });
        await lockHolder?.end({ timeout: 5 });
        await sql.end({ timeout: 5 });
      },
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // pg_trgm: member search's trigram indexes, as on PostgreSQL (migration 0013).
  const client = new PGlite({ dataDir: options.dataDir, loadDataDir: options.loadDataDir, extensions: { pg_trgm } });
  // One process owns an embedded database: read caches are always safe.
  const counter = new WriteCounter(true);
  const db = drizzlePglite(countedPglite(client, counter), { schema, casing: "snake_case" }) as unknown as Db;
  counters.set(db, counter);
  oneConnection.add(db);
  return {
    db,
    kind: "pglite",
    pglite: client,
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: async () => {
      try {
        await client.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    enableReadCaches: async () => {},
    claimExclusive: async () => true,
    listen: async (channel, onMessage) => {
      const stop = await client.listen(channel, onMessage);
      return stop;
    },
    close: () => client.close(),
  };
}
