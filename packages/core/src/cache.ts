// Exact in-memory read caches for the lookups every request makes (sessions, kiosk devices,
// practices' rule sets, balances). Each cache names the tables its reads come from; an entry is
// served only while no write to those tables has finished since it was read (`cacheVersion` from
// @tally/db): through the same database object, or through another process of the same
// PostgreSQL database, whose writes arrive by NOTIFY with their commit (a cached read first waits
// until the notices committed before it are heard: readBarrier). So a disabled user, a revoked
// kiosk or a new ledger entry is seen by every API process at its next request. While
// caching is off (cacheVersion is undefined: not enabled, or the notices are not heard), every
// read goes to the database.
import { cacheVersion, readBarrier } from "@tally/db";

export class ReadCache<K, V> {
  /** Loads in flight are shared: a burst of requests for one key makes one query. */
  private readonly entries = new Map<K, Promise<V>>();
  private version = -1;
  private readonly tables: readonly string[];
  private readonly maxEntries: number;

  constructor(tables: readonly string[], maxEntries = 20_000) {
    this.tables = tables;
    this.maxEntries = maxEntries;
  }

  async get(db: object, key: K, load: () => Promise<V>): Promise<V> {
    // PostgreSQL: first hear what other processes committed before this read (readBarrier).
    const heard = readBarrier(db);
    if (heard && !(await heard)) return load();
    const version = cacheVersion(db, this.tables);
    if (version === undefined) return load();
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const cached = this.entries.get(key);
    if (cached) return cached;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const loading = load();
    this.entries.set(key, loading);
    // A failed read is not kept.
    loading.catch(() => {
      if (this.entries.get(key) === loading) this.entries.delete(key);
    });
    return loading;
  }
}

/** One cache per database object, over reads of `tables`. */
export function cachePerDatabase<K, V>(tables: readonly string[], maxEntries?: number): (db: object) => ReadCache<K, V> {
  const caches = new WeakMap<object, ReadCache<K, V>>();
  return (db) => {
    let cache = caches.get(db);
    if (!cache) {
      cache = new ReadCache<K, V>(tables, maxEntries);
      caches.set(db, cache);
    }
    return cache;
  };
}
