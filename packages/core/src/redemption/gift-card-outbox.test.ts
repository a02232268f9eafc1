// The gift-card outbox: the redemption commits a pending order without calling the provider; the
// outbox issues it after commit with the order id as idempotency key, retries with backoff, and on
// final failure cancels the order and refunds the points.
import { auditLog, ledgerEntries, orders, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { memberOrders } from "../members/member-overview.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { type FakeBehaviour, fakeGiftCards } from "./fake-gift-cards.ts";
import { backoffAfter, fulfilPendingGiftCards, type IssuedGiftCard, type OutboxState } from "./gift-card-outbox.ts";
import { type GiftCardProvider, giftCardOf, sandboxGiftCards, setGiftCardProvider } from "./gift-cards.ts";
import { listOrderQueue } from "./list-order-queue.ts";
import { cancelOrder, fulfilOrder } from "./orders.ts";
import { redeemReward } from "./redeem-reward.ts";

describe("gift-card outbox", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let card: string;
  const opts = { timeoutMs: 200, backoffMs: 1_000, maxBackoffMs: 8_000, maxAttempts: 4 };

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    card = (
      await createReward({
        ctx: p.admin,
        input: { kind: "gift_card", name: "$10 Amazon", pointsPrice: 200, valueCents: 1000, providerSku: "AMZ-10" },
      })
    ).id;
  });
  afterAll(async () => {
    setGiftCardProvider(sandboxGiftCards);
    await t?.dispose();
  });

  /** A member with points who redeemed the gift card: the pending order's id. */
  async function redeemed(name: string) {
    const [m] = await makeMembers(t, p.id, [{ firstName: name, lastName: "Card", email: `${name.toLowerCase()}@example.com` }]);
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 1000, note: "start" } });
    const r = await redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: card } });
    return { memberId: m!.id, orderId: r.orderId, result: r };
  }
  const orderOf = async (id: string) => (await t.db.select().from(orders).where(eq(orders.id, id)))[0]!;
  const auditsOf = async (id: string, action: string) =>
    t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, id), eq(auditLog.action, action)));
  /** Runs the outbox for only this order's behaviour (others' orders succeed at once). */
  const only = (orderId: string, b: (call: number) => FakeBehaviour) =>
    fakeGiftCards((o, call) => (o.orderId === orderId ? b(call) : { kind: "ok" }));

  it("the redemption commits a pending order and calls no provider; the outbox issues it once", async () => {
    const provider = fakeGiftCards(() => ({ kind: "ok" }));
    setGiftCardProvider(provider); // even the configured provider is not called inside the redemption
    const { orderId, memberId, result } = await redeemed("Ana");
    expect(result).toMatchObject({ status: "pending", balance: 800, kind: "gift_card" });
    expect(provider.calls.size).toBe(0);
    // Staff cannot fulfil or cancel it by hand while the outbox owns it.
    await expect(fulfilOrder({ ctx: p.team, input: { orderId } })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(cancelOrder({ ctx: p.team, input: { orderId, reason: "x" } })).rejects.toMatchObject({ code: "CONFLICT" });

    const report = await fulfilPendingGiftCards(t.db, provider, opts);
    expect(report).toMatchObject({ fulfilled: 1, retrying: 0, failed: 0 });
    const o = await orderOf(orderId);
    expect(o.status).toBe("fulfilled");
    expect(o.fulfilment).toMatchObject({ provider: "fake", claimCode: expect.stringMatching(/^FAKE-/), valueCents: 1000 });
    expect(provider.calls.get(orderId)).toBe(1);
    // The provider got the order id (its idempotency key), the SKU, value and recipient.
    expect(await fulfilPendingGiftCards(t.db, provider, opts)).toMatchObject({ claimed: 0 });
    expect(await ledgerSum(t.db, p.id, memberId)).toBe(800);
    expect(await auditsOf(orderId, "redemption.giftCardIssued")).toHaveLength(1);
  });

  it("the issued card's code and link reach the patient's orders, staff's queue and the issue hook, once", async () => {
    const { memberId, orderId } = await redeemed("Gia");
    const provider: GiftCardProvider = {
      name: "linked",
      issue: async (order) => ({
        provider: "linked",
        reference: `ref_${order.orderId}`,
        claimCode: "GIA-CODE-1",
        claimUrl: "https://cards.example.com/claim/GIA-CODE-1",
      }),
    };
    const issued: IssuedGiftCard[] = [];
    const onIssued = async (tx: Tx, card: IssuedGiftCard) => {
      // Called inside the transaction that records the card: the order reads fulfilled there.
      expect((await tx.select().from(orders).where(eq(orders.id, card.orderId)))[0]!.status).toBe("fulfilled");
      issued.push(card);
    };
    // Before the card: nothing to show.
    expect((await memberOrders({ ctx: p.asMember(memberId), input: { memberId } }))[0]!.giftCard).toBeNull();
    await fulfilPendingGiftCards(t.db, provider, { ...opts, onIssued });
    await fulfilPendingGiftCards(t.db, provider, { ...opts, onIssued });
    const mine = issued.filter((c) => c.orderId === orderId);
    expect(mine).toEqual([
      expect.objectContaining({
        memberId,
        rewardName: "$10 Amazon",
        recipient: { name: "Gia Card", email: "gia@example.com" },
        claimCode: "GIA-CODE-1",
        claimUrl: "https://cards.example.com/claim/GIA-CODE-1",
      }),
    ]);
    const gift = { claimCode: "GIA-CODE-1", claimUrl: "https://cards.example.com/claim/GIA-CODE-1" };
    const patient = (await memberOrders({ ctx: p.asMember(memberId), input: { memberId } }))[0]!;
    expect(patient).toMatchObject({ id: orderId, status: "fulfilled", giftCard: gift });
    // The patient never sees the outbox's internals.
    expect(patient).not.toHaveProperty("fulfilment");
    const queue = await listOrderQueue({ ctx: p.team, input: { memberId } });
    expect(queue.find((o) => o.id === orderId)).toMatchObject({ giftCard: gift, memberName: "Gia Card" });
  });

  it("a claim link that is not a web address is not shown", () => {
    expect(giftCardOf({ claimCode: "X-1", claimUrl: "javascript:alert(1)" })).toEqual({ claimCode: "X-1", claimUrl: null });
    expect(giftCardOf({ outbox: { attempts: 1 } })).toBeNull();
    expect(giftCardOf({})).toBeNull();
  });

  it("a slow provider within the timeout is fine", async () => {
    const { orderId } = await redeemed("Slow");
    const provider = only(orderId, () => ({ kind: "ok", delayMs: 100 }));
    expect(await fulfilPendingGiftCards(t.db, provider, opts)).toMatchObject({ fulfilled: 1 });
    expect((await orderOf(orderId)).status).toBe("fulfilled");
  });

  it("failures are retried with backoff, with the same order id, until one succeeds", async () => {
    const { orderId } = await redeemed("Flaky");
    const provider = only(orderId, (call) => (call <= 2 ? { kind: "fail", message: `503 #${call}` } : { kind: "ok" }));
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: at(0) })).toMatchObject({ retrying: 1 });
    let state = (await orderOf(orderId)).fulfilment.outbox as OutboxState;
    expect(state).toMatchObject({ attempts: 1, lastError: "503 #1" });
    expect(new Date(state.nextAttemptAt).getTime()).toBe(t0 + backoffAfter(1, 1_000, 8_000));
    // Not due before the backoff has passed.
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: at(999) })).toMatchObject({ claimed: 0 });
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: at(1_000) })).toMatchObject({ retrying: 1 });
    state = (await orderOf(orderId)).fulfilment.outbox as OutboxState;
    expect(new Date(state.nextAttemptAt).getTime()).toBe(t0 + 1_000 + 2_000); // doubled
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: at(2_999) })).toMatchObject({ claimed: 0 });
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: at(3_000) })).toMatchObject({ fulfilled: 1 });
    expect(provider.calls.get(orderId)).toBe(3);
    expect(provider.issued.get(orderId)).toBe(1);
    expect((await orderOf(orderId)).fulfilment).toMatchObject({ claimCode: expect.any(String), outbox: { attempts: 3 } });
  });

  it("a call that times out but succeeded at the provider, then a retry that succeeds too: one card, fulfilled once", async () => {
    const { orderId, memberId } = await redeemed("Late");
    const provider = only(orderId, (call) => (call === 1 ? { kind: "hang" } : { kind: "ok" }));
    const t0 = Date.now();
    const first = await fulfilPendingGiftCards(t.db, provider, { ...opts, now: () => new Date(t0) });
    expect(first).toMatchObject({ retrying: 1 });
    expect(((await orderOf(orderId)).fulfilment.outbox as OutboxState).lastError).toMatch(/did not answer within 200 ms/);
    // The provider finishes the first call late: it created the card, nobody is listening any more.
    provider.release(orderId);
    await new Promise((r) => setTimeout(r, 10));
    expect(provider.successes.get(orderId)).toBe(1);
    // The retry asks again with the same order id and gets the same card.
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: () => new Date(t0 + 60_000) })).toMatchObject({ fulfilled: 1 });
    expect(provider.successes.get(orderId)).toBe(2);
    expect(provider.issued.get(orderId)).toBe(1);
    expect(await auditsOf(orderId, "redemption.giftCardIssued")).toHaveLength(1);
    expect(await ledgerSum(t.db, p.id, memberId)).toBe(800);
  });

  it("two workers on one order (the first outlived its lease): both succeed, the order is fulfilled once", async () => {
    const { orderId } = await redeemed("Twice");
    const provider = only(orderId, (call) => (call === 1 ? { kind: "hang" } : { kind: "ok" }));
    const t0 = Date.now();
    // Worker A claims and waits on the provider far past its timeout (a stuck process: huge timeout).
    const a = fulfilPendingGiftCards(t.db, provider, { ...opts, timeoutMs: 60_000, now: () => new Date(t0) });
    while (provider.inFlight() === 0) await new Promise((r) => setTimeout(r, 5));
    // Worker B sees the lease expired and tries again: the provider answers the same card.
    const b = await fulfilPendingGiftCards(t.db, provider, { ...opts, now: () => new Date(t0 + 10 * 60_000) });
    expect(b).toMatchObject({ claimed: 1, fulfilled: 1 });
    provider.release(orderId);
    expect(await a).toMatchObject({ claimed: 1, fulfilled: 0, retrying: 0, failed: 0 });
    expect(provider.successes.get(orderId)).toBe(2);
    expect(provider.issued.get(orderId)).toBe(1);
    expect(await auditsOf(orderId, "redemption.giftCardIssued")).toHaveLength(1);
    expect((await orderOf(orderId)).status).toBe("fulfilled");
  });

  it("after the last attempt fails, the order is cancelled as failed and the points refunded once", async () => {
    const { orderId, memberId } = await redeemed("Broken");
    const provider = only(orderId, (call) => (call === 2 ? { kind: "hang" } : { kind: "fail", message: "SKU discontinued" }));
    let clock = Date.now();
    const reports = [];
    for (let i = 0; i < opts.maxAttempts; i++) {
      reports.push(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: () => new Date(clock) }));
      clock += 60_000;
    }
    expect(reports.map((r) => (r.retrying ? "retrying" : r.failed ? "failed" : "?"))).toEqual([
      "retrying",
      "retrying",
      "retrying",
      "failed",
    ]);
    const o = await orderOf(orderId);
    expect(o.status).toBe("cancelled");
    expect(o.note).toMatch(/could not be issued after 4 attempts: SKU discontinued/);
    expect(o.fulfilment).toMatchObject({ failed: true, outbox: { attempts: 4 } });
    const entries = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.orderId, orderId));
    expect(entries.map((e) => [e.kind, e.points]).sort()).toEqual([
      ["redemption", -200],
      ["refund", 200],
    ]);
    expect(await ledgerSum(t.db, p.id, memberId)).toBe(1000);
    expect(await auditsOf(orderId, "redemption.giftCardFailed")).toHaveLength(1);
    // Nothing more to do, and a late success of the hung call changes nothing.
    provider.release(orderId);
    expect(await fulfilPendingGiftCards(t.db, provider, { ...opts, now: () => new Date(clock) })).toMatchObject({ claimed: 0 });
    expect((await orderOf(orderId)).status).toBe("cancelled");
  });

  it("the backoff doubles and is capped", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffAfter(n, 1_000, 8_000))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });
});
