// The gift-card outbox's periodic run (core's fulfilPendingGiftCards): pending gift-card orders
// are issued by the configured provider after their redemption committed, retried with backoff,
// refunded on final failure. Run every minute by the `gift-cards.fulfil` job (handlers.ts); safe in several processes.
// Each issued card is emailed to the patient: with the job runner on, the `gift-card.mail` job is
// enqueued in the transaction that records the card (one job per order: its id is stable); without
// it (TALLY_JOBS=off), the email is sent right after the card is recorded.
import { fulfilPendingGiftCards, giftCardProviderFor, type IssuedGiftCard } from "@tally/core";
import { practices, type Tx } from "@tally/db";
import { eq } from "drizzle-orm";
import type { Mail } from "../mail.ts";
import type { AppDeps } from "../trpc/context.ts";
import { type Job, stableJobId } from "./runtime.ts";

export type GiftCardMail = Pick<IssuedGiftCard, "orderId" | "practiceId" | "rewardName" | "claimCode" | "claimUrl"> & {
  to: string;
  name: string;
};

export async function runGiftCardOutbox(deps: AppDeps): Promise<void> {
  try {
    const direct: GiftCardMail[] = [];
    const onIssued = async (tx: Tx, issued: IssuedGiftCard) => {
      if (!issued.recipient.email) return;
      const mail: GiftCardMail = {
        orderId: issued.orderId,
        practiceId: issued.practiceId,
        rewardName: issued.rewardName,
        claimCode: issued.claimCode,
        claimUrl: issued.claimUrl,
        to: issued.recipient.email,
        name: issued.recipient.name,
      };
      if (deps.jobs.started) await deps.jobs.send(tx, "gift-card.mail", mail, { id: stableJobId(`gift-card-mail:${issued.orderId}`) });
      else direct.push(mail);
    };
    // Each practice's provider from its settings (the sandbox keeps the install's provider).
    const db = deps.database.db;
    const report = await fulfilPendingGiftCards(db, (practiceId) => giftCardProviderFor(db, practiceId), { onIssued });
    for (const mail of direct) {
      await sendGiftCardMail(deps, mail).catch((err) => deps.log.error({ err, orderId: mail.orderId }, "gift-card email failed"));
    }
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

/** The patient's email: the card's claim code and link, as the provider returned them. */
export function giftCardMail(mail: GiftCardMail, practiceName: string): Mail {
  const firstName = mail.name.split(" ")[0] || mail.name;
  const lines = [
    `Hi ${firstName},`,
    "",
    `Your ${mail.rewardName} from ${practiceName} is ready.`,
    "",
    `Claim code: ${mail.claimCode}`,
    ...(mail.claimUrl ? [`Claim it here: ${mail.claimUrl}`] : []),
    "",
    "You can also find it any time under Your orders in the rewards portal.",
    "",
    practiceName,
  ];
  return { practiceId: mail.practiceId, to: mail.to, subject: `Your ${mail.rewardName} is ready`, text: lines.join("\n") };
}

export async function sendGiftCardMail(deps: AppDeps, mail: GiftCardMail): Promise<{ sent: string }> {
  const [practice] = await deps.database.db.select({ name: practices.name }).from(practices).where(eq(practices.id, mail.practiceId));
  await deps.mailer.send(giftCardMail(mail, practice?.name ?? "Your practice"));
  return { sent: mail.to };
}

export const giftCardMailHandler = (job: Job<GiftCardMail>, deps: AppDeps) => sendGiftCardMail(deps, job.data);
