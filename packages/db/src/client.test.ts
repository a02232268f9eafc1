import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheVersion, runsOneAtATime, writtenTables } from "./client.ts";
import { members, practices } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

describe(`database (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it("answers a ping and applies migrations idempotently", async () => {
    expect(await t.ping()).toBe(true);
    await t.migrate();
    expect(await t.ping()).toBe(true);
  });

  it("says whether transactions run one after another (PGlite) or side by side (PostgreSQL)", () => {
    expect(runsOneAtATime(t.db)).toBe(t.kind === "pglite");
    expect(runsOneAtATime({})).toBe(false);
  });

  it("round-trips a practice and its members with snake_case columns and defaults", async () => {
    const [p] = await t.db.insert(practices).values({ slug: "bright", name: "Bright Smiles" }).returning();
    expect(p?.status).toBe("test");
    expect(p?.timezone).toBe("America/Chicago");
    await t.db.insert(members).values({ practiceId: p!.id, firstName: "Ana", lastName: "Bell", tags: ["vip", "braces"] });
    const rows = await t.db.select().from(members).where(eq(members.practiceId, p!.id));
    expect(rows.map((r) => [r.firstName, r.tags])).toEqual([["Ana", ["vip", "braces"]]]);
  });

  it("keeps card numbers unique within a practice but not across practices", async () => {
    const [a] = await t.db.insert(practices).values({ slug: "a", name: "A" }).returning();
    const [b] = await t.db.insert(practices).values({ slug: "b", name: "B" }).returning();
    await t.db.insert(members).values({ practiceId: a!.id, firstName: "X", lastName: "Y", cardNumber: "1001" });
    await t.db.insert(members).values({ practiceId: b!.id, firstName: "X", lastName: "Y", cardNumber: "1001" });
    await expect(t.db.insert(members).values({ practiceId: a!.id, firstName: "Z", lastName: "Y", cardNumber: "1001" })).rejects.toThrow();
  });

  it("counts finished writes for exact read caches, once this process owns the database", async () => {
    expect(await t.claimExclusive()).toBe(true);
    const tables = ["practices"];
    const start = cacheVersion(t.db, tables)!;
    expect(start).toBeTypeOf("number");
    await t.db.select().from(practices);
    expect(cacheVersion(t.db, tables)).toBe(start); // reads change nothing
    const [p] = await t.db.insert(practices).values({ slug: "counted", name: "Counted" }).returning();
    const afterInsert = cacheVersion(t.db, tables)!;
    expect(afterInsert).toBeGreaterThan(start);
    let inside = -1;
    await t.db.transaction(async (tx) => {
      await tx.update(practices).set({ name: "Counted twice" }).where(eq(practices.id, p!.id));
      inside = cacheVersion(t.db, tables)!;
    });
    // A transaction counts when it has ended, never while its writes are not yet visible.
    expect(inside).toBe(afterInsert);
    expect(cacheVersion(t.db, tables)).toBeGreaterThan(afterInsert);
    const failed = cacheVersion(t.db, tables)!;
    await expect(
      t.db.transaction(async (tx) => {
        await tx.update(practices).set({ name: "Never" }).where(eq(practices.id, p!.id));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(cacheVersion(t.db, tables)).toBeGreaterThan(failed);
  });

  it("counts writes per table, so a cache over other tables is kept", async () => {
    const before = { practices: cacheVersion(t.db, ["practices"])!, members: cacheVersion(t.db, ["members"])! };
    const [p] = await t.db.insert(practices).values({ slug: "per-table", name: "Per table" }).returning();
    expect(cacheVersion(t.db, ["members"])).toBe(before.members);
    expect(cacheVersion(t.db, ["practices"])).toBeGreaterThan(before.practices);
    const members0 = cacheVersion(t.db, ["members"])!;
    await t.db.transaction(async (tx) => {
      await tx.insert(members).values({ practiceId: p!.id, firstName: "Cy", lastName: "Dee" });
    });
    expect(cacheVersion(t.db, ["members"])).toBeGreaterThan(members0);
    // A statement whose tables cannot be told from its text changes every table's version.
    const both = cacheVersion(t.db, ["members", "practices"])!;
    await t.db.execute(sql`analyze practices`);
    expect(cacheVersion(t.db, ["members"])).toBeGreaterThan(members0);
    expect(cacheVersion(t.db, ["members", "practices"])).toBeGreaterThan(both);
  });

  it("tells the tables a statement writes from its text", () => {
    expect(writtenTables('select * from "members" for update')).toBeNull();
    expect(writtenTables('insert into "ledger_entries" ("id") values ($1)')).toEqual(new Set(["ledger_entries"]));
    expect(writtenTables('update "member_balances" set "balance" = 1')).toEqual(new Set(["member_balances"]));
    expect(
      writtenTables(
        "with a as (update member_balances set balance = 1 returning member_id), b as (insert into ledger_entries select 1) delete from sessions",
      ),
    ).toEqual(new Set(["member_balances", "ledger_entries", "sessions"]));
    expect(writtenTables("insert into member_engine_states values (1) on conflict (member_id) do update set state = 1")).toEqual(
      new Set(["member_engine_states", "set"]),
    );
    expect(writtenTables("copy events (id) from stdin")).toEqual(new Set(["events"]));
    expect(writtenTables("with x as (select * from members) select * from x for update")).toBeNull();
    expect(writtenTables("create temp table x (n int)")).toBe("all");
    expect(writtenTables("truncate members")).toBe("all");
  });
});
