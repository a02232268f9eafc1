// The gift-card outbox under concurrency, on real PostgreSQL: many workers at once never call the
// provider twice at the same time for one order and every card is created once; a provider call
// in flight holds no lock on the member's balance; refunds of failed orders racing with new
// redemptions keep balances equal to the ledger.
import { auditLog, memberBalances, orders } from "@tally/db";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { fakeGiftCards } from "./fake-gift-cards.ts";
import { fulfilPendingGiftCards } from "./gift-card-outbox.ts";
import { redeemReward } from "./redeem-reward.ts";

describe("gift-card outbox under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let card: string;
  let prize: string;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
    p = await makePractice(t);
    card = (
      await createReward({
        ctx: p.admin,
        input: { kind: "gift_card", name: "$5 Coffee", pointsPrice: 100, valueCents: 500, providerSku: "COF-5" },
      })
    ).id;
    prize = (await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Pen", pointsPrice: 10 } })).id;
  });
  afterAll(() => t?.dispose());

  const balanceOf = async (memberId: string) =>
    (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, memberId)))[0]?.balance ?? 0;

  it("8 workers at once on 64 orders from concurrent redemptions: one call at a time per order, one card each", async () => {
    const people = await makeMembers(
      t,
      p.id,
      Array.from({ length: 16 }, (_, i) => ({ firstName: `W${i}`, lastName: "Worker" })),
    );
    for (const m of people) await adjustPoints({ ctx: p.team, input: { memberId: m.id, points: 400, note: "start" } });
    // 4 redemptions per member at once (the balance covers 4).
    const redeemed = await Promise.all(
      people.flatMap((m) => Array.from({ length: 4 }, () => redeemReward({ ctx: p.team, input: { memberId: m.id, rewardId: card } }))),
    );
    expect(redeemed.every((r) => r.status === "pending")).toBe(true);
    const ids = redeemed.map((r) => r.orderId);

    // Slow (5-40 ms), and every order's first call fails: each order needs two attempts.
    const provider = fakeGiftCards((o, call) =>
      call === 1
        ? { kind: "fail", delayMs: 5 + (o.orderId.charCodeAt(0) % 20) }
        : { kind: "ok", delayMs: 5 + (o.orderId.charCodeAt(1) % 35) },
    );
    let clock = Date.now();
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        Array.from({ length: 8 }, () =>
          fulfilPendingGiftCards(t.db, provider, { now: () => new Date(clock), limit: 7, concurrency: 3, backoffMs: 1_000 }),
        ),
      );
      clock += 60_000;
    }
    const rows = await t.db.select().from(orders).where(inArray(orders.id, ids));
    expect(rows.filter((o) => o.status === "fulfilled")).toHaveLength(ids.length);
    expect(provider.maxConcurrentPerOrder()).toBe(1);
    for (const id of ids) {
      expect(provider.calls.get(id)).toBe(2);
      expect(provider.issued.get(id)).toBe(1);
    }
    const issuedAudits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "redemption.giftCardIssued"), inArray(auditLog.targetId, ids)));
    expect(issuedAudits).toHaveLength(ids.length);
    for (const m of people) {
      expect(await balanceOf(m.id)).toBe(0);
      expect(await ledgerSum(t.db, p.id, m.id)).toBe(0);
    }
  });

  it("a provider call in flight holds no lock: the same member redeems and is adjusted meanwhile", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Busy", lastName: "Member" }]);
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 300, note: "start" } });
    const { orderId } = await redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: card } });
    const provider = fakeGiftCards(() => ({ kind: "hang" }));
    const run = fulfilPendingGiftCards(t.db, provider, { timeoutMs: 30_000 });
    while (provider.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: prize } });
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 5, note: "meanwhile" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(provider.inFlight()).toBe(1);
    provider.release(orderId);
    expect(await run).toMatchObject({ fulfilled: 1 });
    expect(await balanceOf(m!.id)).toBe(300 - 100 - 10 + 5);
    expect(await ledgerSum(t.db, p.id, m!.id)).toBe(195);
  });

  it("refunds of failed orders racing with new redemptions of the same members: balances equal the ledger", async () => {
    const people = await makeMembers(
      t,
      p.id,
      Array.from({ length: 8 }, (_, i) => ({ firstName: `F${i}`, lastName: "Fail" })),
    );
    for (const m of people) await adjustPoints({ ctx: p.team, input: { memberId: m.id, points: 200, note: "start" } });
    const first = await Promise.all(people.map((m) => redeemReward({ ctx: p.team, input: { memberId: m.id, rewardId: card } })));
    const provider = fakeGiftCards(() => ({ kind: "fail", delayMs: 10 }));
    // One attempt allowed: the run refunds every order while the members redeem prizes.
    const [report, ...prizes] = await Promise.all([
      fulfilPendingGiftCards(t.db, provider, { maxAttempts: 1, concurrency: 4 }),
      ...people.flatMap((m) => Array.from({ length: 3 }, () => redeemReward({ ctx: p.team, input: { memberId: m.id, rewardId: prize } }))),
    ]);
    expect(report).toMatchObject({ failed: first.length });
    expect(prizes).toHaveLength(24);
    for (const m of people) {
      expect(await balanceOf(m.id)).toBe(200 - 30);
      expect(await ledgerSum(t.db, p.id, m.id)).toBe(170);
    }
    const rows = await t.db
      .select()
      .from(orders)
      .where(
        inArray(
          orders.id,
          first.map((r) => r.orderId),
        ),
      );
    expect(rows.every((o) => o.status === "cancelled" && o.fulfilment.failed === true)).toBe(true);
  });
});
