// Exactness under concurrency, on real PostgreSQL: many transactions at once against one balance.

import { ledgerEntries, memberBalances, orders } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { redeemReward } from "./redeem-reward.ts";

describe("concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let reward60: string;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid { rate 1 point per $1 }', publish: true } });
    reward60 = (await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Water bottle", pointsPrice: 60 } })).id;
  });
  afterAll(() => t?.dispose());

  const balanceOf = async (memberId: string) =>
    (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, memberId)))[0]?.balance ?? 0;
  const settle = (ps: Promise<unknown>[]) => Promise.allSettled(ps);

  it("64 concurrent redemptions of 60 against 100: exactly one succeeds, 10 rounds", async () => {
    for (let round = 0; round < 10; round++) {
      const [m] = await makeMembers(t, p.id, [{ firstName: `R${round}`, lastName: "Race" }]);
      await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 100, note: "start" } });
      const results = await settle(
        Array.from({ length: 64 }, () => redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: reward60 } })),
      );
      const ok = results.filter((r) => r.status === "fulfilled");
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(ok).toHaveLength(1);
      expect(failed.every((f) => (f.reason as { code?: string }).code === "INSUFFICIENT_POINTS")).toBe(true);
      expect(await balanceOf(m!.id)).toBe(40);
      expect(await ledgerSum(t.db, p.id, m!.id)).toBe(40);
      const placed = await t.db.select().from(orders).where(eq(orders.memberId, m!.id));
      expect(placed).toHaveLength(1);
    }
  });

  it("the same idempotency key 64 times at once yields one entry; a different body is refused", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Idem", lastName: "Potent" }]);
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 1000, note: "start" } });
    const results = await settle(
      Array.from({ length: 64 }, () =>
        redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: reward60, idempotencyKey: "order-42" } }),
      ),
    );
    const ok = results.filter((r): r is PromiseFulfilledResult<{ orderId: string }> => r.status === "fulfilled");
    expect(ok).toHaveLength(64);
    expect(new Set(ok.map((r) => r.value.orderId)).size).toBe(1);
    const entries = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.memberId, m!.id), eq(ledgerEntries.kind, "redemption")));
    expect(entries).toHaveLength(1);
    expect(await balanceOf(m!.id)).toBe(940);
    const other = (await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 10 } })).id;
    await expect(
      redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: other, idempotencyKey: "order-42" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    // The same for adjustments, through the same mechanism.
    const adj = await settle(
      Array.from({ length: 64 }, () =>
        adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 5, note: "promo", idempotencyKey: "adj-7" } }),
      ),
    );
    expect(adj.filter((r) => r.status === "fulfilled")).toHaveLength(64);
    expect(await balanceOf(m!.id)).toBe(945);
    expect(await ledgerSum(t.db, p.id, m!.id)).toBe(945);
  });

  it("model: concurrent clients earning, redeeming, reversing and adjusting keep balance = sum >= 0 (reversals aside)", async () => {
    const prices = [10, 25, 60];
    const rewardIds = new Map<number, string>();
    for (const price of prices)
      rewardIds.set(
        price,
        (await createReward({ ctx: p.admin, input: { kind: "in_house", name: `Prize ${price}`, pointsPrice: price } })).id,
      );
    let run = 0;
    const op = fc.oneof(
      fc.record({ kind: fc.constant("earn" as const), dollars: fc.integer({ min: 1, max: 80 }) }),
      fc.record({ kind: fc.constant("redeem" as const), price: fc.constantFrom(...prices) }),
      fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("adjust" as const), points: fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), async (batches) => {
        run++;
        const [m] = await makeMembers(t, p.id, [{ firstName: `Model${run}`, lastName: "Client" }]);
        const memberId = m!.id;
        const paid: string[] = [];
        const voided = new Set<string>();
        let reversed = false;
        let n = 0;
        for (const batch of batches) {
          // Each batch runs concurrently: several clients at once on the same member.
          const work = batch.map(async (o) => {
            n++;
            const at = new Date(Date.UTC(2026, 0, 1) + run * 1e7 + n * 1000).toISOString();
            if (o.kind === "earn") {
              const invoice = `inv-${run}-${n}`;
              await recordEvent({
                ctx: p.system,
                input: {
                  id: `paid:${invoice}`,
                  type: "invoice.paid",
                  at,
                  member: memberId,
                  invoice: { id: invoice, lines: [{ code: "X", amount: `${o.dollars}.00` }] },
                },
              });
              paid.push(invoice);
            } else if (o.kind === "redeem") {
              const r = await redeemReward({ ctx: p.team, input: { memberId, rewardId: rewardIds.get(o.price)! } }).catch((e) => {
                expect(e.code).toBe("INSUFFICIENT_POINTS");
                return null;
              });
              if (r) expect(r.balance).toBeGreaterThanOrEqual(0);
            } else if (o.kind === "reverse") {
              const open = paid.filter((i) => !voided.has(i));
              if (open.length === 0) return;
              const invoice = open[o.pick % open.length]!;
              voided.add(invoice);
              await recordEvent({
                ctx: p.system,
                input: { id: `void:${invoice}`, type: "invoice.voided", at, member: memberId, invoice: { id: invoice } },
              });
              reversed = true;
            } else {
              const r = await adjustPoints({ ctx: p.team, input: { memberId, points: o.points, note: "model" } }).catch((e) => {
                expect(e.code).toBe("INSUFFICIENT_POINTS");
                return null;
              });
              // A deduction never goes below zero; an addition may leave a reversed balance negative.
              if (r && o.points < 0) expect(r.balance).toBeGreaterThanOrEqual(0);
            }
          });
          await Promise.all(work);
          const balance = await balanceOf(memberId);
          expect(balance).toBe(await ledgerSum(t.db, p.id, memberId));
          if (!reversed) expect(balance).toBeGreaterThanOrEqual(0);
        }
        // No entry was written twice, and every redemption has its order.
        const [{ redemptions, ordersCount }] = (await t.db.execute(sql`
          select (select count(*)::int from ledger_entries where member_id = ${memberId} and kind = 'redemption') as redemptions,
                 (select count(*)::int from orders where member_id = ${memberId}) as "ordersCount"`)) as unknown as [
          { redemptions: number; ordersCount: number },
        ];
        expect(redemptions).toBe(ordersCount);
      }),
      { numRuns: 25 },
    );
  });
});
