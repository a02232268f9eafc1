import { actionRequests, eligibleItems, events, ledgerEntries, memberBalances, orders, ruleSetVersions } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing.ts";
import { type SeedResult, seedDemo } from "./demo.ts";

// PGlite answers execute() with { rows }, postgres-js with the array itself.
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : ((result as { rows: T[] }).rows ?? [])) as T[];

describe("demo seed (full)", () => {
  let t: TestDatabase;
  let seed: SeedResult;
  beforeAll(async () => {
    t = await createTestDatabase();
    seed = await seedDemo(t.db, { content: "full", members: 80, now: new Date("2026-11-20T18:00:00Z") });
  });
  afterAll(() => t?.dispose());

  it("publishes a rule set using every construct", async () => {
    const [v] = await t.db
      .select()
      .from(ruleSetVersions)
      .where(and(eq(ruleSetVersions.practiceId, seed.practiceIds["bright-smiles"]!), eq(ruleSetVersions.active, true)));
    for (const construct of [
      "earn ",
      "items eligible",
      "items [",
      "better_choice",
      "consent.given",
      " manual",
      "to referrer",
      "member.birthday",
      "during 2025-12-01 to 2025-12-31",
      "instant ",
      "unlimited",
      "limited",
      "phase ",
    ]) {
      expect(v!.source).toContain(construct);
    }
  });

  it("records a year of events through the pipeline: cached balances equal the ledger", async () => {
    const bright = seed.practiceIds["bright-smiles"]!;
    const [row] = rowsOf<{ events: number; entries: number }>(
      await t.db.execute(sql`
        select (select count(*)::int from events where practice_id = ${bright}) as events,
               (select count(*)::int from ledger_entries where practice_id = ${bright}) as entries`),
    );
    expect(row!.events).toBeGreaterThan(500);
    expect(row!.entries).toBeGreaterThan(500);
    const mismatched = await t.db.execute(sql`
      select b.member_id from ${memberBalances} b
      left join (select member_id, sum(points)::int as s from ${ledgerEntries} group by member_id) l on l.member_id = b.member_id
      where b.balance <> coalesce(l.s, 0)`);
    expect(rowsOf(mismatched)).toEqual([]);
    const types = await t.db.selectDistinct({ type: events.type }).from(events).where(eq(events.practiceId, bright));
    expect(types.map((x) => x.type).sort()).toEqual(
      expect.arrayContaining([
        "invoice.paid",
        "visit.checked_in",
        "survey.submitted",
        "consent.given",
        "member.birthday",
        "referral.converted",
        "action.completed",
        "points.redeemed",
      ]),
    );
  });

  it("leaves pending approvals and open orders, and a disabled sensitive code", async () => {
    const bright = seed.practiceIds["bright-smiles"]!;
    expect(
      (
        await t.db
          .select()
          .from(actionRequests)
          .where(and(eq(actionRequests.practiceId, bright), eq(actionRequests.status, "pending")))
      ).length,
    ).toBeGreaterThanOrEqual(3);
    expect(
      (
        await t.db
          .select()
          .from(orders)
          .where(and(eq(orders.practiceId, bright), eq(orders.status, "pending")))
      ).length,
    ).toBeGreaterThanOrEqual(1);
    const sensitive = await t.db
      .select()
      .from(eligibleItems)
      .where(and(eq(eligibleItems.practiceId, bright), eq(eligibleItems.sensitive, true)));
    expect(sensitive.length).toBeGreaterThan(0);
    expect(sensitive.every((s) => !s.enabled)).toBe(true);
  });

  it("runs once", async () => {
    expect((await seedDemo(t.db)).seeded).toBe(false);
  });
});
