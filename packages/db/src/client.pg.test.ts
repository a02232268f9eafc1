// PostgreSQL only: one Tally server per database may use in-memory read caches.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheVersion, createDatabase } from "./client.ts";
import { practices } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

describe("exclusive use of a PostgreSQL database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("lets only one process at a time use read caches on PostgreSQL", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const name = (await t.db.execute<{ name: string }>(sql`select current_database() as name`)) as unknown as { name: string }[];
    url.pathname = `/${name[0]!.name}`;
    const other = createDatabase({ url: url.toString(), max: 1 });
    try {
      expect(cacheVersion(other.db, ["practices"])).toBeUndefined();
      expect(await t.claimExclusive()).toBe(true);
      expect(await other.claimExclusive()).toBe(false); // another server: every read goes to the database
      expect(cacheVersion(other.db, ["practices"])).toBeUndefined();
      // Its writes reach the server holding the lock, which then drops what it has cached.
      const before = cacheVersion(t.db, ["practices"])!;
      await other.db.insert(practices).values({ slug: "from-the-other-server", name: "Other" });
      await expect.poll(() => cacheVersion(t.db, ["practices"]), { timeout: 5000 }).toBeGreaterThan(before);
    } finally {
      await other.close();
    }
  });
});
