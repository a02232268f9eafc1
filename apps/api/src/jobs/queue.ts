// A small PostgreSQL-backed job queue on the `jobs` table. Workers claim with
// `FOR UPDATE SKIP LOCKED`, so several API processes on one PostgreSQL never run a job twice at
// once; the same SQL works on embedded PGlite. pg-boss was not used: it needs node-postgres and a
// pool of its own connections, while PGlite is a single in-process connection shared with the
// app's transactions. `singleton_key` makes scheduling idempotent.
import { type Db, jobs } from "@tally/db";
import { and, eq, lt, sql } from "drizzle-orm";

export type Job = typeof jobs.$inferSelect;

export interface NewJob {
  queue: string;
  payload?: Record<string, unknown>;
  practiceId?: string | null;
  runAt?: Date;
  singletonKey?: string;
  maxAttempts?: number;
  total?: number | null;
}

/** Adds a job; with a singleton key already used, nothing is added and null is returned. */
export async function enqueue(db: Db, job: NewJob): Promise<Job | null> {
  const [row] = await db
    .insert(jobs)
    .values({
      queue: job.queue,
      payload: job.payload ?? {},
      practiceId: job.practiceId ?? null,
      runAt: job.runAt ?? new Date(),
      singletonKey: job.singletonKey ?? null,
      maxAttempts: job.maxAttempts ?? 3,
      total: job.total ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** Claims up to `limit` due jobs of the given queues and marks them running. */
export async function claim(db: Db, queues: string[], limit = 5, now = new Date()): Promise<Job[]> {
  if (queues.length === 0) return [];
  const result = await db.execute(sql`
    update jobs set status = 'running', locked_at = ${now.toISOString()}::timestamptz, attempts = attempts + 1
    where id in (
      select id from jobs
      where status = 'pending' and run_at <= ${now.toISOString()}::timestamptz
        and queue in (${sql.join(
          queues.map((q) => sql`${q}`),
          sql`, `,
        )})
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning id`);
  const ids = rowsOf(result).map((r) => String(r.id));
  if (ids.length === 0) return [];
  return db
    .select()
    .from(jobs)
    .where(
      sql`${jobs.id} in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})`,
    );
}

export async function complete(db: Db, id: string, result: unknown = null) {
  await db
    .update(jobs)
    .set({ status: "done", result: result as never, finishedAt: new Date(), lockedAt: null })
    .where(eq(jobs.id, id));
}

/** A failed attempt is retried with backoff until max_attempts, then stays failed for people to see. */
export async function fail(db: Db, job: Job, error: unknown, now = new Date()) {
  const message = error instanceof Error ? error.message : String(error);
  const final = job.attempts >= job.maxAttempts;
  await db
    .update(jobs)
    .set({
      status: final ? "failed" : "pending",
      lastError: message.slice(0, 2000),
      lockedAt: null,
      runAt: final ? job.runAt : new Date(now.getTime() + 30_000 * 2 ** (job.attempts - 1)),
      finishedAt: final ? now : null,
    })
    .where(eq(jobs.id, job.id));
}

export async function setProgress(db: Db, id: string, processed: number, total?: number | null) {
  await db
    .update(jobs)
    .set(total === undefined ? { processed } : { processed, total })
    .where(eq(jobs.id, id));
}

/** Jobs left running by a process that died go back to pending. */
export async function releaseStale(db: Db, olderThanMs = 15 * 60_000, now = new Date()) {
  await db
    .update(jobs)
    .set({ status: "pending", lockedAt: null })
    .where(and(eq(jobs.status, "running"), lt(jobs.lockedAt, new Date(now.getTime() - olderThanMs))));
}

/** drizzle's execute returns rows directly (postgres-js) or in `.rows` (PGlite). */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}
