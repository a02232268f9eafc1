// A scriptable gift-card provider for tests: per call it succeeds, fails, is slow, or hangs past
// the caller's timeout (and may still succeed later at the "provider"). Idempotent on the order id,
// like a real provider must be: every success for one order answers the same card, and `issued`
// counts the cards it actually created.
import type { GiftCardOrder, GiftCardProvider, GiftCardResult } from "./gift-cards.ts";

export type FakeBehaviour =
  | { kind: "ok"; delayMs?: number }
  | { kind: "fail"; message?: string; delayMs?: number }
  /** Answers only when `release(orderId)` is called (then succeeds). */
  | { kind: "hang" };

export interface FakeProvider extends GiftCardProvider {
  /** Calls per order id, in order. */
  calls: Map<string, number>;
  /** Cards created per order id (must never exceed 1). */
  issued: Map<string, number>;
  /** Successful answers per order id (may exceed the cards: asking twice answers the same card). */
  successes: Map<string, number>;
  /** Lets the hanging calls for this order answer (success). */
  release(orderId: string): void;
  /** Calls in flight right now. */
  inFlight(): number;
  /** The most calls for one order that were in flight at once. */
  maxConcurrentPerOrder(): number;
}

export function fakeGiftCards(script: (order: GiftCardOrder, call: number) => FakeBehaviour): FakeProvider {
  const calls = new Map<string, number>();
  const issued = new Map<string, number>();
  const successes = new Map<string, number>();
  const cards = new Map<string, GiftCardResult>();
  const waiting = new Map<string, (() => void)[]>();
  let flying = 0;
  const flyingPer = new Map<string, number>();
  let maxPer = 0;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const succeed = (order: GiftCardOrder) => {
    let card = cards.get(order.orderId);
    if (!card) {
      bump(issued, order.orderId);
      card = {
        provider: "fake",
        reference: `fake_${order.orderId.slice(0, 8)}`,
        claimCode: `FAKE-${order.orderId.slice(0, 8).toUpperCase()}`,
        claimUrl: null,
      };
      cards.set(order.orderId, card);
    }
    bump(successes, order.orderId);
    return card;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    name: "fake",
    calls,
    issued,
    successes,
    inFlight: () => flying,
    maxConcurrentPerOrder: () => maxPer,
    release(orderId) {
      for (const go of waiting.get(orderId) ?? []) go();
      waiting.delete(orderId);
    },
    async issue(order) {
      const call = (calls.get(order.orderId) ?? 0) + 1;
      calls.set(order.orderId, call);
      const b = script(order, call);
      flying++;
      const mine = (flyingPer.get(order.orderId) ?? 0) + 1;
      flyingPer.set(order.orderId, mine);
      maxPer = Math.max(maxPer, mine);
      try {
        if (b.kind === "hang") {
          await new Promise<void>((go) => waiting.set(order.orderId, [...(waiting.get(order.orderId) ?? []), go]));
          return succeed(order);
        }
        if (b.delayMs) await sleep(b.delayMs);
        if (b.kind === "fail") throw new Error(b.message ?? "provider unavailable (503)");
        return succeed(order);
      } finally {
        flying--;
        flyingPer.set(order.orderId, flyingPer.get(order.orderId)! - 1);
      }
    },
  };
}
