// Test helper: each test file gets a fresh, migrated database — a new in-memory PGlite, or,
// when DATABASE_URL is set, a new PostgreSQL database created for the file and dropped after.
// Migrating takes seconds, so it is done once per set of migrations: PGlite files start from a
// dump of a migrated database (kept under node_modules/.cache), PostgreSQL files are created from
// a migrated template database. Either way `migrate()` then runs and finds nothing to do.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { createDatabase, type Database, migrationsFolder } from "./client.ts";

export interface TestDatabase extends Database {
  /** Drops what was created for the test (PostgreSQL) and closes connections. */
  dispose(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/** Names the current migrations (their files and contents). */
function migrationsHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      hash.update(path.slice(migrationsFolder.length));
      if (entry.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(migrationsFolder);
  return hash.digest("hex").slice(0, 16);
}

let snapshot: Promise<Blob> | undefined;

/** A migrated PGlite data folder's dump: from the cache, or made (and cached) now. */
function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const dir = new URL("../node_modules/.cache/tally-test-db", import.meta.url).pathname;
    const file = join(dir, `pglite-${migrationsHash()}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      const database = createDatabase();
      await database.migrate();
      const blob = (await database.pglite!.dumpDataDir("none")) as Blob;
      await database.close();
      mkdirSync(dir, { recursive: true });
      // Written aside then renamed: test processes running side by side never read half a file.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
      writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
      renameSync(partial, file);
      return blob;
    }
  })();
  return snapshot;
}

/** The migrated template database for the current migrations, built once (under a lock). */
async function migratedTemplate(admin: postgres.Sql, url: string): Promise<string> {
  const name = `tally_template_${migrationsHash()}`;
  const exists = async () => (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (await exists()) return name;
  await admin`select pg_advisory_lock(hashtext('tally_test_template'))`;
  try {
    if (await exists()) return name;
    const building = `${name}_building_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database ${building}`);
    const target = new URL(url);
    target.pathname = `/${building}`;
    const database = createDatabase({ url: target.toString(), max: 1 });
    await database.migrate();
    await database.close();
    await admin.unsafe(`alter database ${building} rename to ${name}`);
    // Templates of older migrations: the three newest stay (another checkout's test run may be
    // copying one right now), older ones go.
    const old = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like 'tally\\_template\\_%' and datname <> ${name}
      order by oid desc offset 2`;
    for (const { datname } of old) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    return name;
  } finally {
    await admin`select pg_advisory_unlock(hashtext('tally_test_template'))`;
  }
}

export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  if (!url) {
    const database = createDatabase({ loadDataDir: await migratedSnapshot() });
    await database.migrate();
    return { ...database, dispose: () => database.close() };
  }
  const name = `tally_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  const template = await migratedTemplate(admin, url);
  try {
    await admin.unsafe(`create database ${name} template ${template}`);
  } catch (e) {
    // Dropped by a test run of other migrations in the meantime: build it again, once.
    if ((e as { code?: string }).code !== "3D000") throw e;
    await admin.unsafe(`create database ${name} template ${await migratedTemplate(admin, url)}`);
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = createDatabase({ url: target.toString(), max: options.max ?? 20 });
  await database.migrate();
  return {
    ...database,
    dispose: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
