// Test helper: each test file gets a fresh, migrated database — a new in-memory PGlite, or,
// when DATABASE_URL is set, a new PostgreSQL database created for the file and dropped after.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase, type Database } from "./client.ts";

export interface TestDatabase extends Database {
  /** Drops what was created for the test (PostgreSQL) and closes connections. */
  dispose(): Promise<void>;
}

export function testDatabaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  if (!url) {
    const database = createDatabase();
    await database.migrate();
    return { ...database, dispose: () => database.close() };
  }
  const name = `tally_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
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
