// Background jobs on pg-boss (https://pgboss.io), in its own `pgboss` schema of the app's database:
// embedded PGlite (pg-boss's `pglite` backend, on the app's one PGlite instance) or PostgreSQL (its
// own small pool). pg-boss claims jobs (SKIP LOCKED), leases them (expireInSeconds, heartbeats),
// retries failures with backoff, fails a job whose lease ran out (a crashed or hung worker), copies
// a job that failed for good to the dead-letter queue `jobs.dead` and runs the cron schedules.
//
// The registry of jobs is a list of definitions (handlers.ts): a queue name, its pg-boss queue
// options, a handler and optionally a schedule (a cron per practice in the practice's timezone, or
// one cron for the install). Adding a job is adding a definition.
//
// Enqueue with `jobs.send(txOrDb, ...)`: it writes through the caller's drizzle transaction (pg-boss's
// drizzle adapter), so a job created together with data is committed or rolled back with it. On
// PGlite, pg-boss's own statements wait for an open transaction (one connection): call
// `jobs.start()` before opening a transaction that sends.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobsSchema } from "@tally/core";
import { type Db, practices, type Tx } from "@tally/db";
import { sql } from "drizzle-orm";
import {
  type ConstructorOptions,
  fromDrizzle,
  fromPglite,
  type JobResult,
  type JobWithMetadata,
  PgBoss,
  type QueueOptions,
  type SendOptions,
} from "pg-boss";
import type { AppDeps } from "../trpc/context.ts";

export type Job<T = Record<string, unknown>> = JobWithMetadata<T>;

/** Thrown by a handler for a failure a retry cannot fix (bad input, a spooled upload that is gone):
 *  the job fails for good at once (dead letter) instead of being retried. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
  /** The original error, kept for the HTTP answer of a waiting upload. */
  readonly original: unknown;
  constructor(message: string, original?: unknown) {
    super(message);
    this.original = original;
  }
}

export interface JobDefinition<T = Record<string, unknown>> {
  /** The pg-boss queue. */
  name: string;
  /** Lease, retries and backoff (pg-boss queue options); defaults: `defaultQueueOptions`. */
  options?: QueueOptions;
  /** `always`: worked by every API process, even with TALLY_JOBS=off (work a request started:
   *  uploads, dead letters). `background` (default): only where TALLY_JOBS=on. */
  runs?: "always" | "background";
  /** A cron run in each practice's own timezone (one schedule per practice, data `{ practiceId }`). */
  perPractice?: string;
  /** A cron (UTC) run once for the install. */
  cron?: string;
  handler(job: Job<T>, deps: AppDeps): Promise<unknown>;
}

/** Every job a practice owns carries its id (the admin app lists the practice's failed jobs by it). */
export type PracticeJobData = { practiceId: string } & Record<string, unknown>;

export const deadLetterQueue = "jobs.dead";

/** Retried twice with exponential backoff (30 s, ~1 min, capped at 15 min); a lease of 15 minutes. */
export const defaultQueueOptions: QueueOptions = {
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
  retryDelayMax: 900,
  expireInSeconds: 15 * 60,
};

export interface JobsConfig {
  definitions: JobDefinition<never>[];
  /** TALLY_JOBS=on: this process works the background queues and fires the schedules. */
  background: boolean;
  /** Where uploads are spooled (one folder per database): `<job id>.csv`. */
  spoolDir: string;
  /** This process is the database's only server: the start-up sweep may remove any spool file
   *  without a queued or running job (otherwise only those older than an hour). */
  exclusive?: boolean;
  /** pg-boss constructor options (tests: short supervise intervals). */
  boss?: Partial<ConstructorOptions>;
  /** Per-queue option overrides (tests: short leases). */
  queueOptions?: Record<string, QueueOptions>;
  pollingIntervalSeconds?: number;
}

export interface JobOutcome {
  status: "done" | "failed";
  result?: unknown;
  error?: unknown;
}

export interface Jobs {
  readonly config: JobsConfig;
  /** Starts pg-boss (creates its schema), the queues, the workers and (background) the schedules,
   *  and sweeps the spool folder. Idempotent; concurrent callers share one start. */
  start(): Promise<void>;
  readonly started: boolean;
  /** pg-boss itself (after start). */
  readonly boss: PgBoss;
  /** Enqueues through `db` (a drizzle transaction: the job commits or rolls back with it). */
  send(db: Db | Tx, name: string, data: PracticeJobData | Record<string, unknown>, options?: SendOptions): Promise<string | null>;
  /** Creates or refreshes each practice's schedules (and removes those of practices that are gone). */
  syncSchedules(): Promise<void>;
  /** Removes spool files whose job is neither queued nor running. */
  sweepSpool(): Promise<number>;
  spoolFile(jobId: string): string;
  /** Resolves when a job this process waits for is done or failed for good. */
  waitFor(jobId: string, poll: () => Promise<JobOutcome | null>, pollMs?: number): Promise<JobOutcome>;
  /** Called by handlers when a job ends (wakes `waitFor`). */
  settle(jobId: string, outcome: JobOutcome): void;
  stop(): Promise<void>;
}

/** One spool folder per database: beside embedded PGlite's data, or in the temp folder per
 *  PostgreSQL database (processes on one machine share it; a sweep never touches another's). */
export function spoolDirFor(database: { kind: string; url?: string }, dataDir: string): string {
  if (database.kind === "pglite") return join(dataDir, "spool");
  return join(
    tmpdir(),
    `tally-spool-${createHash("sha256")
      .update(database.url ?? "")
      .digest("hex")
      .slice(0, 16)}`,
  );
}

/** A uuid derived from a key: sending it again is a no-op while pg-boss keeps the job (idempotent). */
export function stableJobId(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function createJobs(deps: () => AppDeps, config: JobsConfig): Jobs {
  let boss: PgBoss | undefined;
  let starting: Promise<void> | undefined;
  let stopped = false;
  const waiters = new Map<string, Set<(o: JobOutcome) => void>>();
  mkdirSync(config.spoolDir, { recursive: true });

  const queueOptions = (def: JobDefinition<never>): QueueOptions => ({
    ...defaultQueueOptions,
    ...def.options,
    ...config.queueOptions?.[def.name],
  });

  const settle = (jobId: string, outcome: JobOutcome) => {
    const set = waiters.get(jobId);
    if (!set) return;
    waiters.delete(jobId);
    for (const w of set) w(outcome);
  };

  const work = async (b: PgBoss, def: JobDefinition<never>) => {
    const { log, metrics, database } = deps();
    const handle = async (job: Job<never>): Promise<JobResult> => {
      try {
        const output = await exclusively(database.kind === "postgres" ? database.db : undefined, job.id, () => def.handler(job, deps()));
        metrics.inc("tally_jobs_done_total", "Background jobs completed.");
        return { id: job.id, status: "completed", output: (output ?? undefined) as never };
      } catch (err) {
        metrics.inc("tally_jobs_failed_total", "Background job attempts that failed.");
        log.error({ err, job: job.id, queue: def.name, attempt: job.retryCount + 1 }, "job failed");
        if (err instanceof PermanentJobError) return { id: job.id, status: "deadletter", output: { message: err.message } };
        throw err;
      }
    };
    await b.work(
      def.name,
      {
        batchSize: 1,
        includeMetadata: true,
        perJobResults: true,
        pollingIntervalSeconds: config.pollingIntervalSeconds ?? 2,
      },
      async (batch: Job<never>[]) => Promise.all(batch.map(handle)),
    );
  };

  const jobs: Jobs = {
    config,
    get started() {
      return boss !== undefined && !starting;
    },
    get boss() {
      if (!boss) throw new Error("jobs are not started");
      return boss;
    },
    start() {
      if (stopped) return Promise.reject(new Error("jobs are stopped"));
      starting ??= (async () => {
        const { database, log } = deps();
        const b = new PgBoss({
          ...(database.pglite
            ? { backend: "pglite" as const, db: fromPglite(database.pglite) }
            : { connectionString: database.url, max: 4 }),
          schema: jobsSchema,
          // The cron schedules fire only where background jobs run.
          schedule: config.background,
          ...config.boss,
        });
        b.on("error", (err) => log.error({ err }, "job queue error"));
        await b.start();
        // The dead-letter queue first: the others name it.
        const definitions = [...config.definitions].sort((a, c) => Number(c.name === deadLetterQueue) - Number(a.name === deadLetterQueue));
        for (const def of definitions) {
          const options = def.name === deadLetterQueue ? queueOptions(def) : { ...queueOptions(def), deadLetter: deadLetterQueue };
          if (await b.getQueue(def.name)) await b.updateQueue(def.name, options);
          else await b.createQueue(def.name, options);
        }
        boss = b;
        for (const def of definitions) if ((def.runs ?? "background") === "always" || config.background) await work(b, def);
        await jobs.sweepSpool().catch((err) => log.error({ err }, "spool sweep failed"));
        if (config.background) await jobs.syncSchedules();
      })();
      return starting.then(
        () => {
          starting = Promise.resolve();
        },
        (err) => {
          starting = undefined;
          boss = undefined;
          throw err;
        },
      );
    },
    async send(db, name, data, options = {}) {
      const b = jobs.boss;
      return b.send(name, data, { ...options, db: fromDrizzle(db as never, sql as never) });
    },
    async syncSchedules() {
      const b = jobs.boss;
      const { db } = deps().database;
      const all = await db.select({ id: practices.id, timezone: practices.timezone }).from(practices);
      const ids = new Set(all.map((p) => p.id));
      for (const def of config.definitions) {
        if (def.cron) await b.schedule(def.name, def.cron, {}, { key: "install" });
        if (!def.perPractice) continue;
        for (const p of all) {
          // `missed: once`: a server that was down at midnight runs the latest missed occurrence.
          await b.schedule(def.name, def.perPractice, { practiceId: p.id }, { tz: p.timezone, key: p.id, missed: "once" });
        }
        for (const s of await b.getSchedules(def.name)) if (!ids.has(s.key)) await b.unschedule(def.name, s.key);
      }
    },
    async sweepSpool() {
      const names = (await readdir(config.spoolDir).catch(() => [] as string[])).filter((n) => n.endsWith(".csv"));
      if (names.length === 0) return 0;
      const ids = names.map((n) => n.slice(0, -4)).filter((id) => /^[0-9a-f-]{36}$/.test(id));
      const live = new Set<string>();
      if (ids.length > 0) {
        const result = await deps().database.db.execute(
          sql`select id::text from ${sql.identifier(jobsSchema)}.job where state in ('created', 'retry', 'active') and id::text in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
        const rows = Array.isArray(result) ? result : ((result as { rows?: { id: string }[] }).rows ?? []);
        for (const r of rows as { id: string }[]) live.add(r.id);
      }
      let removed = 0;
      for (const name of names) {
        if (live.has(name.slice(0, -4))) continue;
        const path = join(config.spoolDir, name);
        // Another server may be spooling it now (its job is not committed yet).
        if (!config.exclusive && Date.now() - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs < 3_600_000) continue;
        await rm(path, { force: true });
        removed++;
      }
      return removed;
    },
    spoolFile: (jobId) => join(config.spoolDir, `${jobId}.csv`),
    waitFor(jobId, poll, pollMs = 1_000) {
      return new Promise<JobOutcome>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (o: JobOutcome) => {
          clearTimeout(timer);
          waiters.get(jobId)?.delete(done);
          resolve(o);
        };
        if (!waiters.has(jobId)) waiters.set(jobId, new Set());
        waiters.get(jobId)!.add(done);
        // Another process may run it: its record is polled too.
        const check = () =>
          poll().then(
            (o) => {
              if (!o) timer = setTimeout(check, pollMs);
              // A failure read from the record carries only its message: when this process ran the
              // job, its own outcome (the original error, with its code) is about to arrive; wait
              // one more interval for it before answering from the record.
              else if (o.status === "failed") timer = setTimeout(() => done(o), pollMs);
              else done(o);
            },
            (err) => {
              waiters.get(jobId)?.delete(done);
              reject(err);
            },
          );
        timer = setTimeout(check, pollMs);
      });
    },
    settle,
    async stop() {
      stopped = true;
      await starting?.catch(() => {});
      await boss?.stop({ graceful: true, timeout: 10_000, close: true });
      boss = undefined;
    },
  };
  return jobs;
}

/**
 * On PostgreSQL, a job's attempt holds a transaction-scoped advisory lock on its id for as long as
 * it runs (on a connection of its own). pg-boss leases are time-based: when a lease runs out while
 * the worker still runs (a stalled process, a long GC pause), pg-boss retries the job and another
 * process may claim the retry. The lock makes that retry fail (and be retried later with backoff)
 * instead of running beside the first attempt. On PGlite there is one process, and pg-boss holds a
 * worker whose handler overran until it returns, so the retry cannot start beside it.
 */
async function exclusively<T>(db: Db | undefined, jobId: string, run: () => Promise<T>): Promise<T> {
  if (!db) return run();
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${`tally.job:${jobId}`}, 0)) as locked`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { locked: boolean }[];
    if (!rows[0]?.locked) throw new Error(`job ${jobId} is still running in another worker (its lease ran out): not run twice at once`);
    return run();
  });
}
