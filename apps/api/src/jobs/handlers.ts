// The jobs this API runs: one definition per pg-boss queue (see runtime.ts). To add a job, add a
// definition here: its queue name, options (lease, retries), handler and, for periodic work, a
// cron (`perPractice` in each practice's timezone, or `cron` once for the install).
import { addDays, digestRecipients, expireCoupons, localDate, runBirthdays, startOfLocalDay, systemCtx } from "@tally/core";
import { practices } from "@tally/db";
import { eq } from "drizzle-orm";
import type { AppDeps } from "../trpc/context.ts";
import { giftCardMailHandler, runGiftCardOutbox } from "./gift-card-outbox.ts";
import { deadLetterHandler, importQueueOptions, runImportJob } from "./import-job.ts";
import { deadLetterQueue, type Job, type JobDefinition, stableJobId } from "./runtime.ts";
import { runWebhookDeliveries } from "./webhooks.ts";

type PracticeJob = Job<{ practiceId: string }>;

/** The daily digest: one email job per member who received points on the practice's local day
 *  before the one the job was scheduled on. */
export async function digestHandler(job: PracticeJob, deps: AppDeps) {
  const { db } = deps.database;
  const [practice] = await db.select().from(practices).where(eq(practices.id, job.data.practiceId));
  if (!practice) return { skipped: "no practice" };
  const date = addDays(localDate(job.createdOn ?? new Date(), practice.timezone), -1);
  const from = startOfLocalDay(date, practice.timezone);
  const to = startOfLocalDay(addDays(date, 1), practice.timezone);
  const recipients = await digestRecipients(db, practice.id, from, to);
  for (const r of recipients) {
    // A stable id: a retried digest sends each member's email job once.
    await deps.jobs.send(
      db,
      "digest.send",
      {
        practiceId: practice.id,
        to: r.email,
        firstName: r.firstName,
        points: r.points,
        balance: r.balance,
        practiceName: practice.name,
        date,
      },
      { id: stableJobId(`digest:${practice.id}:${date}:${r.memberId}`) },
    );
  }
  return { date, recipients: recipients.length };
}

type DigestMail = {
  practiceId: string;
  to: string;
  firstName: string;
  points: number;
  balance: number;
  practiceName: string;
  date: string;
};

export async function digestSendHandler(job: Job<DigestMail>, deps: AppDeps) {
  const p = job.data;
  await deps.mailer.send({
    practiceId: p.practiceId,
    to: p.to,
    subject: `You earned ${p.points} points at ${p.practiceName}`,
    text: `Hi ${p.firstName},\n\nYou earned ${p.points} points on ${p.date}. Your balance is now ${p.balance} points.\n\n${p.practiceName}`,
  });
  return { sent: p.to };
}

export const jobDefinitions: JobDefinition<never>[] = [
  {
    /** Birthday events at the practice's local midnight (the verb sends each member one a year). */
    name: "birthdays",
    perPractice: "0 0 * * *",
    handler: (job: PracticeJob, deps: AppDeps) =>
      runBirthdays({ ctx: systemCtx(deps.database.db, job.data.practiceId), input: { at: job.createdOn ?? new Date() } }),
  },
  /** Yesterday's points, mailed to each member after the practice's local midnight. */
  { name: "digest", perPractice: "0 0 * * *", handler: digestHandler },
  { name: "digest.send", handler: digestSendHandler },
  {
    /** Hourly, per practice: active coupons past their expiry become expired (readers also check the time). */
    name: "coupons.expire",
    perPractice: "0 * * * *",
    handler: (job: PracticeJob, deps: AppDeps) => expireCoupons({ ctx: systemCtx(deps.database.db, job.data.practiceId) }),
  },
  {
    /** New practices get their schedules, changed timezones move them, deleted practices lose them. */
    name: "schedules.sync",
    cron: "*/10 * * * *",
    handler: async (_job, deps) => {
      await deps.jobs.syncSchedules();
      return null;
    },
  },
  {
    /** Every minute: pending gift-card orders are issued after their redemption committed (outbox). */
    name: "gift-cards.fulfil",
    cron: "* * * * *",
    handler: async (_job, deps) => {
      await runGiftCardOutbox(deps);
      return null;
    },
  },
  /** The email of an issued gift card (enqueued with the card's record: once per order). */
  { name: "gift-card.mail", handler: (job, deps) => giftCardMailHandler(job as never, deps) },
  /** An uploaded CSV, spooled by the process that received it: run at once, by any process. */
  { name: "import.upload", runs: "always", options: importQueueOptions, handler: (job, deps) => runImportJob(job as never, deps) },
  /** A CSV queued with `?when=nightly` (the file in the payload): run at 02:00 practice time. */
  { name: "import.nightly", options: importQueueOptions, handler: (job, deps) => runImportJob(job as never, deps) },
  {
    /** Every minute: signed webhook deliveries from the outbox, retried with backoff (webhooks.ts). */
    name: "webhooks.deliver",
    cron: "* * * * *",
    handler: async (_job, deps) => runWebhookDeliveries(deps),
  },
  /** Jobs that failed for good: logged; a failed import marks its runs failed and drops its upload. */
  { name: deadLetterQueue, runs: "always", options: { retryLimit: 5, retryDelay: 10, retryBackoff: true }, handler: deadLetterHandler },
];
