// The gift-card outbox's periodic run (core's fulfilPendingGiftCards): pending gift-card orders
// are issued by the configured provider after their redemption committed, retried with backoff,
// refunded on final failure. Run every minute by the `gift-cards.fulfil` job (handlers.ts); safe in several processes.
// Each issued card is announced to the patient through the message outbox: the "reward ready"
// messages are queued in the transaction that records the card (one per order and channel) and
// sent by the message drain right after.
import {
  enqueueMessage,
  type FailedGiftCard,
  fulfilPendingGiftCards,
  giftCardProviderFor,
  type IssuedGiftCard,
  translationsOf,
} from "@tally/core";
import { orders, staffUsers, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { drainSoon } from "../messages/run.ts";
import type { AppDeps } from "../trpc/context.ts";

/** The patient's "reward ready" messages for an issued card (email, and a text with SMS consent),
 *  queued in the transaction that records the card: once per order. */
export async function enqueueRewardReady(tx: Tx, issued: IssuedGiftCard) {
  // The reward's name in other languages (the sender writes in the member's).
  const [order] = await tx.select({ rewardId: orders.rewardId }).from(orders).where(eq(orders.id, issued.orderId));
  const texts = order ? ((await translationsOf(tx, issued.practiceId, "reward", [order.rewardId])).get(order.rewardId) ?? {}) : {};
  const data = {
    firstName: issued.recipient.name.split(" ")[0] ?? "",
    rewardName: issued.rewardName,
    valueCents: issued.valueCents,
    claimCode: issued.claimCode,
    claimUrl: issued.claimUrl,
    translations: Object.fromEntries(Object.entries(texts).map(([l, f]) => [l, { rewardName: f.name ?? "" }])),
  };
  for (const channel of ["email", "sms"] as const)
    await enqueueMessage(tx, {
      practiceId: issued.practiceId,
      memberId: issued.memberId,
      kind: "reward_ready",
      channel,
      subjectKey: `order:${issued.orderId}`,
      title: `Your ${issued.rewardName} is ready`,
      data,
    });
}

/** Staff notice (transactional: sent whatever the program status) to the practice's admins when a
 *  gift card could not be issued and its points were refunded. */
export async function enqueueGiftCardFailed(tx: Tx, failed: FailedGiftCard) {
  const admins = await tx
    .select({ email: staffUsers.email })
    .from(staffUsers)
    .where(and(eq(staffUsers.practiceId, failed.practiceId), eq(staffUsers.role, "admin"), eq(staffUsers.disabled, false)));
  for (const a of admins)
    await enqueueMessage(tx, {
      practiceId: failed.practiceId,
      kind: "staff_notice",
      channel: "email",
      to: a.email,
      subjectKey: `gift-card-failed:${failed.orderId}`,
      title: `A gift card could not be issued: ${failed.rewardName} for ${failed.memberName}`,
      data: {
        text: `The gift card provider did not issue ${failed.rewardName} for ${failed.memberName} after ${failed.attempts} attempts (${failed.error}). The order was cancelled and the points refunded; see Orders, Cancelled.`,
      },
    });
}

export async function runGiftCardOutbox(deps: AppDeps): Promise<void> {
  try {
    // Each practice's provider from its settings (the sandbox keeps the install's provider).
    const db = deps.database.db;
    const report = await fulfilPendingGiftCards(db, (practiceId) => giftCardProviderFor(db, practiceId), {
      onIssued: enqueueRewardReady,
      onFailed: enqueueGiftCardFailed,
    });
    if (report.fulfilled || report.failed) await drainSoon(deps);
    if (report.claimed === 0) return;
    deps.log.info({ giftCards: report }, "gift-card outbox");
    if (report.fulfilled) deps.metrics.inc("tally_gift_cards_issued_total", "Gift cards issued by the provider.", report.fulfilled);
    if (report.retrying)
      deps.metrics.inc("tally_gift_card_retries_total", "Gift-card attempts that failed and will be retried.", report.retrying);
    if (report.failed)
      deps.metrics.inc("tally_gift_cards_failed_total", "Gift-card orders refunded after their last attempt failed.", report.failed);
  } catch (err) {
    deps.log.error({ err }, "gift-card outbox failed");
  }
}
