// An invoice import job as the admin app and integrations poll it: status, live progress
// (processed / total) and the result; the practice's failed background jobs (pg-boss's dead
// letters) for the admin app. The practice is always ctx's.
import { type Db, importRuns, jobs } from "@tally/db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, notFound, parseInput } from "../verb.ts";

/** The queue the API's import jobs run on. */
export const importJobQueue = "import.invoices";

const columns = {
  id: jobs.id,
  status: jobs.status,
  processed: jobs.processed,
  total: jobs.total,
  result: jobs.result,
  lastError: jobs.lastError,
  createdAt: jobs.createdAt,
  runAt: jobs.runAt,
  finishedAt: jobs.finishedAt,
};

const ofPractice = (ctx: Ctx) => and(eq(jobs.practiceId, ctx.practiceId), eq(jobs.queue, importJobQueue));

export const getImportJobInput = z.object({ id: z.string().max(100) });

/** One import job of the practice; NOT_FOUND alike for a malformed id, an unknown one and
 *  another practice's job. */
export async function getImportJob({ ctx, input }: { ctx: Ctx; input: Input<typeof getImportJobInput> }) {
  authorize(ctx, "imports.invoices");
  const { id } = parseInput(getImportJobInput, input);
  const [job] = z.uuid().safeParse(id).success
    ? await ctx.db
        .select(columns)
        .from(jobs)
        .where(and(eq(jobs.id, id), ofPractice(ctx)))
    : [];
  if (!job) throw notFound("Import");
  return job;
}

/** A job that failed for good marks its import record failed, and every run it left unfinished
 *  (a crash, an expired lease, an error) finished with the error. Idempotent. */
export async function failImportJob(db: Db, jobId: string, error: string, at = new Date()) {
  const message = error.slice(0, 2000);
  await db.transaction(async (tx) => {
    await tx
      .update(jobs)
      .set({ status: "failed", lastError: message, finishedAt: at })
      .where(and(eq(jobs.id, jobId), sql`${jobs.status} <> 'done'`));
    await tx
      .update(importRuns)
      .set({ error: message, finishedAt: at })
      .where(and(eq(importRuns.jobId, jobId), isNull(importRuns.finishedAt)));
  });
}

/** pg-boss keeps its jobs in this schema (created by the API when its jobs start). */
export const jobsSchema = "pgboss";

export const listFailedJobsInput = z.object({ limit: z.number().int().min(1).max(200).default(50) });

/** The practice's background jobs that failed for good (retries used up, expired, dead-lettered),
 *  newest first, with their last error: what an admin needs to see that something did not run.
 *  pg-boss keeps failed jobs for its retention time (7 days). */
export async function listFailedJobs({ ctx, input }: { ctx: Ctx; input?: Input<typeof listFailedJobsInput> }) {
  authorize(ctx, "audit.list");
  const q = parseInput(listFailedJobsInput, input ?? {});
  const exists = rowsOf(await ctx.db.execute(sql`select to_regclass(${`${jobsSchema}.job`}) is not null as ok`))[0];
  if (!exists?.ok) return [];
  const rows = rowsOf(
    await ctx.db.execute(sql`
      select id, name, output, retry_count, created_on, completed_on
      from ${sql.identifier(jobsSchema)}.job
      where state = 'failed' and data ->> 'practiceId' = ${ctx.practiceId}
      order by completed_on desc nulls last
      limit ${q.limit}`),
  );
  return rows.map((r) => {
    const output = (r.output ?? {}) as { message?: unknown };
    return {
      id: String(r.id),
      queue: String(r.name),
      error: typeof output.message === "string" ? output.message : JSON.stringify(r.output ?? null),
      attempts: Number(r.retry_count) + 1,
      createdAt: new Date(String(r.created_on)),
      failedAt: r.completed_on ? new Date(String(r.completed_on)) : null,
    };
  });
}

/** drizzle's execute returns rows directly (postgres-js) or in `.rows` (PGlite). */
function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
}
