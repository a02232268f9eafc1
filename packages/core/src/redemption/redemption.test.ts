import { ledgerEntries, practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCoupons, useCoupon } from "../catalog/coupons.ts";
import { createReward, deleteReward, listRewards, updateReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { fulfilPendingGiftCards } from "./gift-card-outbox.ts";
import { sandboxGiftCards } from "./gift-cards.ts";
import { cancelOrder, fulfilOrder, listOrders } from "./orders.ts";
import { redeemReward } from "./redeem-reward.ts";

describe("redemption", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  let prize: string;
  let card: string;
  let coupon: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    ana = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell", email: "ana@example.com" }]))[0]!.id;
    await adjustPoints({ ctx: p.team, input: { memberId: ana, points: 1000, note: "start" } });
    prize = (
      await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Water bottle", pointsPrice: 150, description: "Insulated" } })
    ).id;
    card = (
      await createReward({
        ctx: p.admin,
        input: { kind: "gift_card", name: "$10 Amazon", pointsPrice: 200, valueCents: 1000, providerSku: "AMZ-10" },
      })
    ).id;
    coupon = (
      await createReward({
        ctx: p.admin,
        input: { kind: "coupon", name: "10% off whitening", pointsPrice: 50, couponCode: "ten-off", couponValidDays: 30 },
      })
    ).id;
  });
  afterAll(() => t?.dispose());

  it("an in-house prize makes a pending order; fulfilling closes it", async () => {
    const r = await redeemReward({ ctx: p.asMember(ana), input: { memberId: ana, rewardId: prize } });
    expect(r).toMatchObject({ status: "pending", points: 150, balance: 850, kind: "in_house" });
    expect((await listOrders({ ctx: p.team, input: { status: "pending" } })).map((o) => o.id)).toEqual([r.orderId]);
    const done = await fulfilOrder({ ctx: p.team, input: { orderId: r.orderId } });
    expect(done.status).toBe("fulfilled");
    await expect(cancelOrder({ ctx: p.team, input: { orderId: r.orderId, reason: "late" } })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("cancelling a pending order refunds the points as a new entry", async () => {
    const r = await redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: prize } });
    const c = await cancelOrder({ ctx: p.team, input: { orderId: r.orderId, reason: "out of stock" } });
    expect(c.order.status).toBe("cancelled");
    const entries = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, r.orderId));
    expect(entries.map((e) => [e.kind, e.points]).sort()).toEqual(
      [
        ["redemption", -150],
        ["refund", 150],
      ].sort(),
    );
    expect(await ledgerSum(t.db, p.id, ana)).toBe(850);
  });

  it("gift cards are issued after commit by the outbox (sandbox provider); coupons are issued with an expiry", async () => {
    const g = await redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: card } });
    expect(g.status).toBe("pending");
    expect(await fulfilPendingGiftCards(t.db, sandboxGiftCards)).toMatchObject({ fulfilled: 1 });
    const [issued] = await listOrders({ ctx: p.team, input: { memberId: ana, status: "fulfilled" } });
    expect(issued!.id).toBe(g.orderId);
    expect(String(issued!.fulfilment.claimCode)).toMatch(/^SBX-/);
    const c = await redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: coupon } });
    expect(c.status).toBe("fulfilled");
    const coupons = await listCoupons({ ctx: p.asMember(ana), input: { memberId: ana } });
    expect(coupons.map((x) => x.coupon)).toEqual(["ten-off"]);
    expect(coupons[0]!.msLeft).toBeGreaterThan(29 * 86_400_000);
    await useCoupon({ ctx: p.team, input: { couponId: coupons[0]!.id } });
    await expect(useCoupon({ ctx: p.team, input: { couponId: coupons[0]!.id } })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await ledgerSum(t.db, p.id, ana)).toBe(600);
  });

  it("refuses: not enough points, program off, test mode, disabled or deleted rewards, other members", async () => {
    const big = (await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Bike", pointsPrice: 100_000 } })).id;
    await expect(redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: big } })).rejects.toMatchObject({
      code: "INSUFFICIENT_POINTS",
    });
    await t.db.update(practices).set({ status: "off" }).where(eq(practices.id, p.id));
    await expect(redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: prize } })).rejects.toMatchObject({ code: "PROGRAM_OFF" });
    await t.db.update(practices).set({ status: "test" }).where(eq(practices.id, p.id));
    await expect(redeemReward({ ctx: p.asMember(ana), input: { memberId: ana, rewardId: prize } })).rejects.toMatchObject({
      code: "TEST_MODE",
    });
    await t.db.update(practices).set({ status: "on" }).where(eq(practices.id, p.id));
    await updateReward({ ctx: p.admin, input: { id: prize, enabled: false } });
    await expect(redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: prize } })).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await listRewards({ ctx: p.asMember(ana) })).map((r) => r.name)).not.toContain("Water bottle");
    expect((await listRewards({ ctx: p.team, input: { includeDisabled: true } })).map((r) => r.name)).toContain("Water bottle");
    await deleteReward({ ctx: p.admin, input: { id: big } });
    await expect(redeemReward({ ctx: p.team, input: { memberId: ana, rewardId: big } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = (await makeMembers(t, p.id, [{ firstName: "Liam", lastName: "G" }]))[0]!.id;
    await expect(redeemReward({ ctx: p.asMember(other), input: { memberId: ana, rewardId: card } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await ledgerSum(t.db, p.id, ana)).toBe(600);
  });

  it("a deleted reward keeps its orders' history", async () => {
    await deleteReward({ ctx: p.admin, input: { id: card } });
    const history = await listOrders({ ctx: p.team, input: { memberId: ana } });
    expect(history.find((o) => o.rewardId === card)?.rewardName).toBe("$10 Amazon");
  });
});
