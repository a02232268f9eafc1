import { ledgerEntries, memberBalances } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { adjustPoints } from "./adjust-points.ts";
import { appendEntries, ledgerSum } from "./append.ts";
import { getBalance, ledgerHistory } from "./balance.ts";

describe("ledger", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    ana = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]))[0]!.id;
  });
  afterAll(() => t?.dispose());

  const cached = async (memberId: string) =>
    (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, memberId)))[0]?.balance ?? 0;

  it("adjusts with a note, and the cached balance equals the sum of entries", async () => {
    const r = await adjustPoints({ ctx: p.team, input: { memberId: ana, points: 120, note: "paid invoice 881" } });
    expect(r.balance).toBe(120);
    await adjustPoints({ ctx: p.team, input: { memberId: ana, points: -20, note: "typo" } });
    expect(await cached(ana)).toBe(100);
    expect(await ledgerSum(t.db, p.id, ana)).toBe(100);
    expect((await getBalance({ ctx: p.team, input: { memberId: ana } })).balance).toBe(100);
    const history = await ledgerHistory({ ctx: p.asMember(ana), input: { memberId: ana } });
    expect(history.map((h) => h.points).sort()).toEqual([-20, 120].sort());
    expect(history.find((h) => h.points === 120)?.why).toContain("paid invoice 881");
  });

  it("refuses a deduction below zero, a zero adjustment and a missing note", async () => {
    await expect(adjustPoints({ ctx: p.team, input: { memberId: ana, points: -1000, note: "x" } })).rejects.toMatchObject({
      code: "INSUFFICIENT_POINTS",
    });
    await expect(adjustPoints({ ctx: p.team, input: { memberId: ana, points: 0, note: "x" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(adjustPoints({ ctx: p.team, input: { memberId: ana, points: 5, note: "" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("members and kiosks cannot adjust", async () => {
    await expect(adjustPoints({ ctx: p.asMember(ana), input: { memberId: ana, points: 5, note: "me" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(adjustPoints({ ctx: p.kiosk, input: { memberId: ana, points: 5, note: "me" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("a client idempotency key: same body returns the first result, a different body is CONFLICT", async () => {
    const first = await adjustPoints({ ctx: p.team, input: { memberId: ana, points: 7, note: "bonus", idempotencyKey: "k-1" } });
    const again = await adjustPoints({ ctx: p.team, input: { memberId: ana, points: 7, note: "bonus", idempotencyKey: "k-1" } });
    expect(again).toEqual(first);
    await expect(
      adjustPoints({ ctx: p.team, input: { memberId: ana, points: 8, note: "bonus", idempotencyKey: "k-1" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await cached(ana)).toBe(107);
    expect(await ledgerSum(t.db, p.id, ana)).toBe(107);
  });

  it("appending the same idempotency key twice writes one entry and moves the balance once", async () => {
    const entry = { memberId: ana, kind: "adjustment" as const, points: 3, idempotencyKey: "dup-1", at: new Date() };
    await t.db.transaction(async (tx) => {
      expect(await appendEntries(tx, p.system, [entry])).toHaveLength(1);
      expect(await appendEntries(tx, p.system, [entry])).toHaveLength(0);
    });
    expect(await cached(ana)).toBe(await ledgerSum(t.db, p.id, ana));
  });

  it("the database refuses UPDATE and DELETE of ledger entries", async () => {
    // drizzle wraps the driver error; the database's message is in the cause.
    const refused = async (q: Promise<unknown>) => {
      const e = await q.then(
        () => null,
        (err: Error & { cause?: Error }) => err,
      );
      expect(`${e?.message} ${e?.cause?.message}`).toMatch(/append-only/);
    };
    await refused(t.db.update(ledgerEntries).set({ points: 1_000_000 }).where(eq(ledgerEntries.memberId, ana)));
    await refused(t.db.delete(ledgerEntries).where(eq(ledgerEntries.memberId, ana)));
    await refused(t.db.execute(sql`truncate ledger_entries cascade`));
    const [row] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, p.id), eq(ledgerEntries.memberId, ana)));
    expect(row!.n).toBeGreaterThan(0);
  });

  it("sees every write at the next balance lookup while lookups are cached", async () => {
    await t.claimExclusive();
    const [bo] = await makeMembers(t, p.id, [{ firstName: "Bo", lastName: "Cole" }]);
    const lookup = async () => (await getBalance({ ctx: p.team, input: { memberId: bo!.id } })).balance;
    expect(await lookup()).toBe(0);
    expect(await lookup()).toBe(0);
    await adjustPoints({ ctx: p.team, input: { memberId: bo!.id, points: 40, note: "welcome" } });
    expect(await lookup()).toBe(40);
    // A write outside any transaction (here straight to the cached balance row) is seen too.
    await t.db.update(memberBalances).set({ balance: 41 }).where(eq(memberBalances.memberId, bo!.id));
    expect(await lookup()).toBe(41);
    await adjustPoints({ ctx: p.team, input: { memberId: bo!.id, points: -41, note: "fix" } });
    expect(await lookup()).toBe(0);
    await expect(getBalance({ ctx: p.team, input: { memberId: "00000000-0000-4000-8000-000000000000" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
