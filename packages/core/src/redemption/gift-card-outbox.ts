// The gift-card outbox. A redemption commits its gift-card order as `pending` (the points are
// redeemed through the pipeline in that transaction, as for any reward) and never calls the
// provider: no balance lock is held across a network call, and the order id is fixed before the
// first attempt. `fulfilPendingGiftCards`, run periodically by the API's job runner, then works
// the pending gift-card orders of every practice, after commit:
//
//   claim     one short transaction: due orders (`for update skip locked`) get attempt n+1 and
//             their next attempt time pushed past the call's timeout (a lease), so concurrent
//             workers never call for the same order at once and a crashed worker's order is
//             tried again later
//   issue     outside any transaction, bounded by a timeout; the order id is the provider's
//             idempotency key, so a retry after a timeout or crash returns the same card
//   record    one transaction with the order row locked: still pending -> fulfilled with the card
//             (a second success for the same order changes nothing); a failure schedules the next
//             attempt with exponential backoff; after `maxAttempts` the order is cancelled as
//             failed and its points refunded through `refundOrder` (the ledger's refund entry)
//
// The outbox state lives in the order's `fulfilment` (`outbox`: attempts, next attempt, last
// error), so it needs no table of its own.

import { type Db, orders, type Tx } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { systemCtx } from "../context.ts";
import { jsonRows, query } from "../sql.ts";
import { audit } from "../verb.ts";
import type { GiftCardProvider, GiftCardResult } from "./gift-cards.ts";
import { refundOrder } from "./orders.ts";

export interface OutboxState {
  attempts: number;
  /** ISO time before which no worker tries this order again (the lease, then the backoff). */
  nextAttemptAt: string;
  lastError?: string;
  lastAttemptAt?: string;
}

export interface FulfilOptions {
  now?: () => Date;
  /** Attempts before the order fails and is refunded. */
  maxAttempts?: number;
  /** How long one provider call may take. */
  timeoutMs?: number;
  /** The wait after the first failure; doubled after each further one (capped at `maxBackoffMs`). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Orders claimed per run. */
  limit?: number;
  /** Provider calls at once. */
  concurrency?: number;
  /** Called in the transaction that records an issued card (e.g. to enqueue the patient's email
   *  with it, so it is sent exactly when the card is recorded). */
  onIssued?: (tx: Tx, issued: IssuedGiftCard) => Promise<unknown>;
  /** Called in the transaction that refunds an order after its last attempt (e.g. to tell staff). */
  onFailed?: (tx: Tx, failed: FailedGiftCard) => Promise<unknown>;
}

/** An order refunded because the provider never issued its card. */
export interface FailedGiftCard {
  orderId: string;
  practiceId: string;
  memberId: string;
  memberName: string;
  rewardName: string;
  attempts: number;
  error: string;
}

/** A card the provider issued, as recorded on its order: what the patient is told. */
export interface IssuedGiftCard {
  orderId: string;
  practiceId: string;
  memberId: string;
  rewardName: string;
  valueCents: number;
  recipient: { name: string; email: string | null };
  claimCode: string;
  claimUrl: string | null;
}

export interface FulfilReport {
  claimed: number;
  fulfilled: number;
  retrying: number;
  failed: number;
}

export const outboxDefaults = {
  maxAttempts: 6,
  timeoutMs: 15_000,
  backoffMs: 30_000,
  maxBackoffMs: 30 * 60_000,
  limit: 20,
  concurrency: 4,
} as const;

class ProviderTimeout extends Error {
  constructor(ms: number) {
    super(`the gift card provider did not answer within ${ms} ms`);
  }
}

/** The delay before attempt n+1 after n failed attempts. */
export const backoffAfter = (failures: number, base: number, cap: number) => Math.min(cap, base * 2 ** Math.max(0, failures - 1));

interface Claimed {
  id: string;
  practiceId: string;
  attempt: number;
  sku: string;
  valueCents: number;
  name: string;
  email: string | null;
}

/** Works the due pending gift-card orders of every practice once. Safe to run from any number of processes at once. */
/** One provider for every practice, or each practice's own (its Settings; an error resolving it, such
 *  as credentials that cannot be decrypted, counts as a failed attempt of that order). */
export type GiftCardProviderChoice = GiftCardProvider | ((practiceId: string) => Promise<GiftCardProvider>);

export async function fulfilPendingGiftCards(db: Db, provider: GiftCardProviderChoice, options: FulfilOptions = {}): Promise<FulfilReport> {
  const o = { ...outboxDefaults, ...options };
  const now = options.now ?? (() => new Date());
  const claimed = await claim(db, o.limit, now(), o.timeoutMs);
  const report: FulfilReport = { claimed: claimed.length, fulfilled: 0, retrying: 0, failed: 0 };
  let next = 0;
  const work = async () => {
    for (let i = next++; i < claimed.length; i = next++) {
      const order = claimed[i]!;
      const outcome = await attempt(db, provider, order, o, now);
      if (outcome) report[outcome]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, claimed.length) }, work));
  return report;
}

/** Claims due orders: attempt n+1, and no other attempt before the call's timeout has passed (twice over). */
async function claim(db: Db, limit: number, at: Date, timeoutMs: number): Promise<Claimed[]> {
  const lease = new Date(at.getTime() + 2 * timeoutMs + 5_000).toISOString();
  return db.transaction(async (tx) => {
    const rows = await query<{ id: string; practiceId: string; attempt: number }>(
      tx,
      sql`with due as (
            select o.id from orders o
             where o.status = 'pending' and o.reward_kind = 'gift_card'
               and coalesce((o.fulfilment -> 'outbox' ->> 'nextAttemptAt')::timestamptz, '-infinity') <= ${at.toISOString()}::timestamptz
             order by o.created_at
             limit ${limit}
             for update of o skip locked)
          update orders o
             set fulfilment = jsonb_set(o.fulfilment, '{outbox}',
                   coalesce(o.fulfilment -> 'outbox', '{}'::jsonb)
                   || jsonb_build_object('attempts', coalesce((o.fulfilment -> 'outbox' ->> 'attempts')::int, 0) + 1,
                                         'nextAttemptAt', ${lease}::text, 'lastAttemptAt', ${at.toISOString()}::text))
            from due
           where o.id = due.id
       returning o.id, o.practice_id as "practiceId", (o.fulfilment -> 'outbox' ->> 'attempts')::int as attempt`,
    );
    if (rows.length === 0) return [];
    // What the provider needs: the reward's SKU and value, the member's name and email.
    const details = await query<{
      id: string;
      sku: string | null;
      value_cents: number | null;
      first_name: string;
      last_name: string;
      email: string | null;
    }>(
      tx,
      sql`with x as (select * from jsonb_to_recordset(${jsonRows(rows.map((r) => ({ id: r.id, practice_id: r.practiceId })))}) as x(id uuid, practice_id uuid))
          select o.id, r.provider_sku as sku, r.value_cents, m.first_name, m.last_name, m.email
            from x join orders o on o.practice_id = x.practice_id and o.id = x.id
            join rewards r on r.practice_id = o.practice_id and r.id = o.reward_id
            join members m on m.practice_id = o.practice_id and m.id = o.member_id`,
    );
    const byId = new Map(details.map((d) => [d.id, d]));
    return rows.map((r) => {
      const d = byId.get(r.id)!;
      return {
        id: r.id,
        practiceId: r.practiceId,
        attempt: Number(r.attempt),
        sku: d.sku ?? "",
        valueCents: Number(d.value_cents ?? 0),
        name: `${d.first_name} ${d.last_name}`,
        email: d.email,
      };
    });
  });
}

async function attempt(
  db: Db,
  choice: GiftCardProviderChoice,
  order: Claimed,
  o: Required<Omit<FulfilOptions, "now" | "onIssued" | "onFailed">> & Pick<FulfilOptions, "onIssued" | "onFailed">,
  now: () => Date,
): Promise<keyof Omit<FulfilReport, "claimed"> | null> {
  let card: GiftCardResult | null = null;
  let error: unknown = null;
  try {
    const provider = typeof choice === "function" ? await choice(order.practiceId) : choice;
    card = await withTimeout(
      provider.issue({
        orderId: order.id,
        sku: order.sku,
        valueCents: order.valueCents,
        recipient: { name: order.name, email: order.email },
      }),
      o.timeoutMs,
    );
  } catch (err) {
    error = err;
  }
  const ctx = systemCtx(db, order.practiceId);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(orders)
      .where(and(eq(orders.id, order.id), eq(orders.practiceId, order.practiceId)))
      .for("update");
    // Done by another attempt meanwhile (a late success of an earlier call, a retry after a lease expired).
    if (row?.status !== "pending") return null;
    const state = (row.fulfilment.outbox ?? { attempts: order.attempt }) as OutboxState;
    const at = now();
    if (card) {
      await tx
        .update(orders)
        .set({ status: "fulfilled", fulfilledAt: at, fulfilment: { ...card, valueCents: order.valueCents, outbox: { ...state } } })
        .where(eq(orders.id, order.id));
      await audit(tx, ctx, {
        action: "redemption.giftCardIssued",
        targetType: "order",
        targetId: order.id,
        details: { provider: card.provider, reference: card.reference, attempts: state.attempts },
      });
      await o.onIssued?.(tx, {
        orderId: order.id,
        practiceId: order.practiceId,
        memberId: row.memberId,
        rewardName: row.rewardName,
        valueCents: order.valueCents,
        recipient: { name: order.name, email: order.email },
        claimCode: card.claimCode,
        claimUrl: card.claimUrl,
      });
      return "fulfilled";
    }
    // A newer attempt owns the order now (this one outlived its lease): its outcome decides.
    if (state.attempts !== order.attempt) return null;
    const message = error instanceof Error ? error.message : String(error);
    if (state.attempts >= o.maxAttempts) {
      await refundOrder(
        tx,
        ctx,
        row,
        `The gift card could not be issued after ${state.attempts} attempts: ${message}`.slice(0, 1000),
        "redemption.giftCardFailed",
        { fulfilment: { failed: true, outbox: { ...state, lastError: message.slice(0, 500) } } },
      );
      await o.onFailed?.(tx, {
        orderId: order.id,
        practiceId: order.practiceId,
        memberId: row.memberId,
        memberName: order.name,
        rewardName: row.rewardName,
        attempts: state.attempts,
        error: message.slice(0, 500),
      });
      return "failed";
    }
    const nextAttemptAt = new Date(at.getTime() + backoffAfter(state.attempts, o.backoffMs, o.maxBackoffMs)).toISOString();
    await tx
      .update(orders)
      .set({ fulfilment: { ...row.fulfilment, outbox: { ...state, nextAttemptAt, lastError: message.slice(0, 500) } } })
      .where(eq(orders.id, order.id));
    return "retrying";
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderTimeout(ms)), ms);
  });
  // A late answer is dropped: the next attempt asks again with the same order id and gets the same card.
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
