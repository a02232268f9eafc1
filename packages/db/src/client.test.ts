import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
