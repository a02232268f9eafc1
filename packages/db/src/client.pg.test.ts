// PostgreSQL only: every Tally server of a database keeps in-memory read caches, and hears the
// others' writes (NOTIFY tally_cache) with their commit.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheVersion, createDatabase, readBarrier } from "./client.ts";
import { practices, staffUsers } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

describe("several processes on one PostgreSQL database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("runs without JIT compilation (a large practice's report spent most of its time compiling)", async () => {
    const rows = (await t.db.execute(sql`select current_setting('jit') as jit`)) as unknown as { jit: string }[];
    expect(rows[0]!.jit).toBe("off");
  });

  it("lets every process cache, and drops what another process's writes change", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const name = (await t.db.execute<{ name: string }>(sql`select current_database() as name`)) as unknown as { name: string }[];
    url.pathname = `/${name[0]!.name}`;
    const other = createDatabase({ url: url.toString(), max: 2 });
    const quiet = createDatabase({ url: url.toString(), max: 1 });
    try {
      expect(cacheVersion(other.db, ["practices"])).toBeUndefined(); // not enabled yet
      expect(await t.claimExclusive()).toBe(true);
      expect(await other.claimExclusive()).toBe(false); // the lock is the first server's...
      expect(cacheVersion(other.db, ["practices"])).toBeDefined(); // ...the caches are everyone's
      await quiet.enableReadCaches();

      // A statement outside a transaction: announced before it answers.
      const before = { practices: cacheVersion(t.db, ["practices"])!, staff: cacheVersion(t.db, ["staff_users"])! };
      const quietBefore = cacheVersion(quiet.db, ["practices"])!;
      const [p] = await other.db.insert(practices).values({ slug: "from-the-other-server", name: "Other" }).returning();
      // A read starting now first hears every write committed before it (readBarrier): no waiting.
      expect(await readBarrier(t.db)).toBe(true);
      expect(cacheVersion(t.db, ["practices"])).toBeGreaterThan(before.practices);
      expect(await readBarrier(quiet.db)).toBe(true);
      expect(cacheVersion(quiet.db, ["practices"])).toBeGreaterThan(quietBefore);
      expect(cacheVersion(t.db, ["staff_users"])).toBe(before.staff); // only the tables written

      // A transaction: announced with its commit, once.
      const staffBefore = cacheVersion(t.db, ["staff_users"])!;
      await other.db.transaction(async (tx) => {
        await tx.insert(staffUsers).values({ practiceId: p!.id, email: "a@example.com", name: "A", passwordHash: "x" });
        await tx.insert(staffUsers).values({ practiceId: p!.id, email: "b@example.com", name: "B", passwordHash: "x" });
        await new Promise((r) => setTimeout(r, 50));
        expect(cacheVersion(t.db, ["staff_users"])).toBe(staffBefore); // nothing committed yet
      });
      expect(await readBarrier(t.db)).toBe(true);
      expect(cacheVersion(t.db, ["staff_users"])).toBe(staffBefore + 1);

      // A rolled-back transaction announces nothing.
      const practicesBefore = cacheVersion(t.db, ["practices"])!;
      await expect(
        other.db.transaction(async (tx) => {
          await tx.insert(practices).values({ slug: "rolled-back", name: "Gone" });
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      expect(await readBarrier(t.db)).toBe(true);
      expect(cacheVersion(t.db, ["practices"])).toBe(practicesBefore);
      // Many reads at once share the round trips; PGlite (one process) needs none.
      expect(await Promise.all(Array.from({ length: 50 }, () => readBarrier(t.db)))).toEqual(Array(50).fill(true));
    } finally {
      await other.close();
      await quiet.close();
    }
  });
});
