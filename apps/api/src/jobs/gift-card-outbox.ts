// The gift-card outbox's periodic run (core's fulfilPendingGiftCards): pending gift-card orders
// are issued by the configured provider after their redemption committed, retried with backoff,
// refunded on final failure. Run every minute by the `gift-cards.fulfil` job (handlers.ts); safe in several processes.
import { fulfilPendingGiftCards, giftCardProvider } from "@tally/core";
import type { AppDeps } from "../trpc/context.ts";

export async function runGiftCardOutbox(deps: AppDeps): Promise<void> {
  try {
    const report = await fulfilPendingGiftCards(deps.database.db, giftCardProvider());
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
