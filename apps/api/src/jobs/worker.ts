// Background work for this process: a scheduler that enqueues each practice's daily jobs at its
// local midnight (idempotent through singleton keys, so any number of processes may run it) and
// a worker loop that claims due jobs and runs their handlers.

import { addDays, digestRecipients, localDate, localHour, startOfLocalDay } from "@tally/core";
import { practices } from "@tally/db";
import { eq } from "drizzle-orm";
import type { AppDeps } from "../trpc/context.ts";
import { runGiftCardOutbox } from "./gift-card-outbox.ts";
import { claim, complete, enqueue, fail, type Job, releaseStale } from "./queue.ts";

export type JobHandler = (job: Job, deps: AppDeps) => Promise<unknown>;
export type JobHandlers = Record<string, JobHandler>;

/** Enqueues the daily jobs every practice is due for at `now` (safe to call every minute). */
export async function scheduleDaily(deps: AppDeps, now = new Date()) {
  const { db } = deps.database;
  const all = await db.select({ id: practices.id, timezone: practices.timezone }).from(practices);
  for (const p of all) {
    const today = localDate(now, p.timezone);
    const yesterday = addDays(today, -1);
    const hour = String(localHour(now, p.timezone)).padStart(2, "0");
    await enqueue(db, { queue: "birthdays", practiceId: p.id, payload: { date: today }, singletonKey: `birthdays:${p.id}:${today}` });
    await enqueue(db, { queue: "digest", practiceId: p.id, payload: { date: yesterday }, singletonKey: `digest:${p.id}:${yesterday}` });
    await enqueue(db, { queue: "coupons.expire", practiceId: p.id, payload: {}, singletonKey: `coupons.expire:${p.id}:${today}T${hour}` });
  }
}

/** The daily digest: one email job per member who received points on the practice's local day. */
export const digestHandler: JobHandler = async (job, deps) => {
  const { db } = deps.database;
  const date = String((job.payload as { date: string }).date);
  const [practice] = await db.select().from(practices).where(eqId(job.practiceId!));
  if (!practice) return { skipped: "no practice" };
  const from = startOfLocalDay(date, practice.timezone);
  const to = startOfLocalDay(addDays(date, 1), practice.timezone);
  const recipients = await digestRecipients(db, practice.id, from, to);
  for (const r of recipients) {
    await enqueue(db, {
      queue: "digest.send",
      practiceId: practice.id,
      singletonKey: `digest:${practice.id}:${date}:${r.memberId}`,
      payload: { to: r.email, firstName: r.firstName, points: r.points, balance: r.balance, practiceName: practice.name, date },
    });
  }
  return { recipients: recipients.length };
};

export const digestSendHandler: JobHandler = async (job, deps) => {
  const p = job.payload as { to: string; firstName: string; points: number; balance: number; practiceName: string; date: string };
  await deps.mailer.send({
    practiceId: job.practiceId,
    to: p.to,
    subject: `You earned ${p.points} points at ${p.practiceName}`,
    text: `Hi ${p.firstName},\n\nYou earned ${p.points} points on ${p.date}. Your balance is now ${p.balance} points.\n\n${p.practiceName}`,
  });
  return { sent: p.to };
};

const eqId = (id: string) => eq(practices.id, id);

export interface Worker {
  /** Runs the scheduler once and every due job (tests and the benchmark call it directly). */
  tick(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

export function startWorker(deps: AppDeps, handlers: JobHandlers, options: { pollMs?: number; autostart?: boolean } = {}): Worker {
  const queues = Object.keys(handlers);
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let lastSchedule = 0;

  const tick = async (now = new Date()) => {
    const { db } = deps.database;
    if (now.getTime() - lastSchedule >= 60_000) {
      lastSchedule = now.getTime();
      await releaseStale(db, undefined, now);
      await scheduleDaily(deps, now);
    }
    // Gift cards redeemed since the last tick are issued after their redemption committed (outbox).
    await runGiftCardOutbox(deps);
    let ran = 0;
    for (;;) {
      const batch = await claim(db, queues, 5, now);
      if (batch.length === 0) return ran;
      for (const job of batch) {
        try {
          const result = await handlers[job.queue]!(job, deps);
          await complete(db, job.id, result ?? null);
          deps.metrics.inc(`tally_jobs_done_total`, "Background jobs completed.");
        } catch (err) {
          deps.log.error({ err, job: job.id, queue: job.queue }, "job failed");
          deps.metrics.inc(`tally_jobs_failed_total`, "Background job attempts that failed.");
          await fail(db, job, err, now);
        }
        ran++;
      }
    }
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((err) => deps.log.error({ err }, "job loop failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.pollMs ?? 5_000);
      });
  };
  if (options.autostart !== false) loop();

  return {
    tick,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
