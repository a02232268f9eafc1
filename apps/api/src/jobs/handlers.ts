// The jobs this API runs: one definition per pg-boss queue (see runtime.ts). To add a job, add a
// definition here: its queue name, options (lease, retries), handler and, for periodic work, a
// cron (`perPractice` in each practice's timezone, or `cron` once for the install).
import {
  addDays,
  deleteExpiredMemberAccess,
  deleteOldBacktestRuns,
  digestRecipients,
  enqueueMessage,
  expireCoupons,
  expiringSoon,
  localDate,
  runBirthdays,
  runExpirySweep,
  startOfLocalDay,
  stripExpiredLineItems,
  systemCtx,
} from "@tally/core";
import { practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { drainSoon, runMessageDrain } from "../messages/run.ts";
import type { AppDeps } from "../trpc/context.ts";
import { runGiftCardOutbox } from "./gift-card-outbox.ts";
import { deadLetterHandler, importQueueOptions, runImportJob } from "./import-job.ts";
import { deadLetterQueue, type Job, type JobDefinition } from "./runtime.ts";
import { runWebhookDeliveries } from "./webhooks.ts";

type PracticeJob = Job<{ practiceId: string }>;

/** The daily digest: one message (outbox, kind `digest`) per member who received points on the
 *  practice's local day before the one the job was scheduled on; the practice's status and
 *  switches and the member's opt-outs decide in the outbox. */
export async function digestHandler(job: PracticeJob, deps: AppDeps) {
  const { db } = deps.database;
  const [practice] = await db.select().from(practices).where(eq(practices.id, job.data.practiceId));
  if (!practice) return { skipped: "no practice" };
  const date = addDays(localDate(job.createdOn ?? new Date(), practice.timezone), -1);
  const from = startOfLocalDay(date, practice.timezone);
  const to = startOfLocalDay(addDays(date, 1), practice.timezone);
  const recipients = await digestRecipients(db, practice.id, from, to);
  // Points expiring within 30 days (SPEC 7): each member is told once per first due instant.
  const expiring = await expiringSoon(db, practice.id, job.createdOn ?? new Date());
  // The subject is the date: a retried digest queues each member's message once.
  await db.transaction(async (tx) => {
    for (const x of expiring)
      await enqueueMessage(tx, {
        practiceId: practice.id,
        memberId: x.memberId,
        kind: "points_expiring",
        channel: "email",
        subjectKey: `expiring:${x.expiresAt}`,
        title: `${x.points} points expire soon at ${practice.name}`,
        data: { firstName: x.firstName, points: x.points, expiresAt: x.expiresAt },
      });
    for (const r of recipients)
      await enqueueMessage(tx, {
        practiceId: practice.id,
        memberId: r.memberId,
        kind: "digest",
        channel: "email",
        to: r.email,
        subjectKey: `digest:${date}`,
        title: `You earned ${r.points} points at ${practice.name}`,
        data: { firstName: r.firstName, points: r.points, balance: r.balance, date },
      });
  });
  if (recipients.length > 0 || expiring.length > 0) await drainSoon(deps);
  return { date, recipients: recipients.length, expiring: expiring.length };
}

type DigestMail = { practiceId: string; to: string; firstName: string; points: number; balance: number; date: string };

/** One digest email as a job of its own (queued before the outbox existed, or by hand): into the outbox like the rest. */
export async function digestSendHandler(job: Job<DigestMail>, deps: AppDeps) {
  const p = job.data;
  const [practice] = await deps.database.db.select({ name: practices.name }).from(practices).where(eq(practices.id, p.practiceId));
  const queued = await enqueueMessage(deps.database.db, {
    practiceId: p.practiceId,
    kind: "digest",
    channel: "email",
    to: p.to,
    subjectKey: `digest:${p.date}`,
    title: `You earned ${p.points} points at ${practice?.name ?? ""}`,
    data: { firstName: p.firstName, points: p.points, balance: p.balance, date: p.date },
  });
  await drainSoon(deps);
  return { message: queued.id, status: queued.status };
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
    /** The message outbox (email and SMS): every minute, and nudged after messages are queued. */
    name: "messages.send",
    cron: "* * * * *",
    options: { retryLimit: 1, expireInSeconds: 10 * 60 },
    handler: (_job, deps) => runMessageDrain(deps),
  },
  {
    /**
     * Every minute: points that fell due expire (SPEC 7), as `expiry` ledger entries through the
     * write pipeline's store step, for the members the next-expiry index lists (events apply what
     * is due before themselves too).
     */
    name: "points.expire",
    cron: "* * * * *",
    options: { retryLimit: 1, expireInSeconds: 10 * 60 },
    handler: (_job, deps) => runExpirySweep(deps.database.db),
  },
  {
    /** Hourly, per practice: active coupons past their expiry become expired (readers also check the time). */
    name: "coupons.expire",
    perPractice: "0 * * * *",
    handler: (job: PracticeJob, deps: AppDeps) => expireCoupons({ ctx: systemCtx(deps.database.db, job.data.practiceId) }),
  },
  {
    /** Daily: access-audit rows (staff reads of member records) older than six years are deleted. */
    name: "access-log.cleanup",
    cron: "30 3 * * *",
    handler: async (_job, deps) => ({ deleted: await deleteExpiredMemberAccess(deps.database.db) }),
  },
  {
    /** Daily: backtest runs finished more than a day ago (and abandoned ones) are deleted. */
    name: "backtests.cleanup",
    cron: "40 3 * * *",
    handler: async (_job, deps) => ({ deleted: await deleteOldBacktestRuns(deps.database.db) }),
  },
  {
    /** Daily, per practice: invoice line items older than the practice's retention (if it set one) are removed. */
    name: "retention.line-items",
    perPractice: "0 3 * * *",
    handler: (job: PracticeJob, deps: AppDeps) => stripExpiredLineItems(systemCtx(deps.database.db, job.data.practiceId)),
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
