// Invoice import jobs. The record people watch is a `jobs` row (id = the pg-boss job id: status,
// processed / total, result), created with the pg-boss job in one transaction; pg-boss runs the
// job. An upload is spooled to `<spool>/<job id>.csv` by the process that received it; the file is
// removed when the job completes or fails for good, and by the start-up sweep (runtime.ts) when its
// job is neither queued nor running. A job that fails for good (errors, a crashed or hung worker
// whose lease ran out, retries used up) reaches the dead-letter queue, whose handler marks the
// record and the import runs it left unfinished failed (core's failImportJob).
import { createReadStream, existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { type Ctx, DomainError, failImportJob } from "@tally/core";
import { type Db, jobs } from "@tally/db";
import { eq } from "drizzle-orm";
import type { QueueOptions } from "pg-boss";
import { importCsv } from "../http/import-csv.ts";
import type { AppDeps } from "../trpc/context.ts";
import { type Job, type JobOutcome, PermanentJobError } from "./runtime.ts";

/** A lease renewed by heartbeats: a live worker keeps it for up to 4 hours (the largest imports),
 *  a dead one loses it after 30 s without a heartbeat. Then retried twice with backoff. */
export const importQueueOptions: QueueOptions = {
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
  retryDelayMax: 900,
  expireInSeconds: 4 * 3600,
  heartbeatSeconds: 30,
};

export type ImportJobData = {
  practiceId: string;
  actor: Ctx["actor"];
  /** Uploads: the spooled file. */
  file?: string;
  /** `?when=nightly`: the CSV itself. */
  csv?: string;
};

export async function runImportJob(job: Job<ImportJobData>, deps: AppDeps) {
  const { db } = deps.database;
  const { practiceId, actor, file, csv } = job.data;
  await db
    .update(jobs)
    .set({ status: "running", attempts: job.retryCount + 1 })
    .where(eq(jobs.id, job.id));
  let source: Readable;
  if (typeof csv === "string") source = Readable.from([csv]);
  else if (file && existsSync(file)) source = createReadStream(file);
  else throw new PermanentJobError("The uploaded file is gone (the server that received it stopped or runs elsewhere): upload it again.");
  const ctx: Ctx = { db, practiceId, actor: actor ?? { kind: "system", id: "system" } };
  try {
    const summary = await importCsv(ctx, source, {
      jobId: job.id,
      file: csv === undefined ? file : undefined,
      source: csv === undefined ? "csv" : "nightly",
      signal: job.signal,
    });
    if (file) await rm(file, { force: true });
    await db
      .update(jobs)
      .set({ status: "done", processed: summary.rows, total: summary.rows, result: summary, lastError: null, finishedAt: new Date() })
      .where(eq(jobs.id, job.id));
    deps.metrics.inc("tally_import_rows_total", "Invoice rows received by imports.", summary.rows);
    deps.metrics.inc("tally_events_processed_total", "Events recorded and evaluated (check-ins, imports, staff).", summary.imported);
    deps.jobs.settle(job.id, { status: "done", result: summary });
    return { rows: summary.rows, imported: summary.imported, skipped: summary.skipped, errors: summary.errorCount };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db
      .update(jobs)
      .set({ lastError: message.slice(0, 2000) })
      .where(eq(jobs.id, job.id))
      .catch(() => {});
    // A file that is not an invoice CSV fails the same way every time: no retry.
    if (err instanceof DomainError) {
      await failImport(deps, job.id, job.data, message, err);
      throw new PermanentJobError(message, err);
    }
    throw err;
  }
}

async function failImport(deps: AppDeps, jobId: string, data: Partial<ImportJobData>, message: string, error?: unknown) {
  // The spooled file goes first: once the record says failed, nothing of the upload is left.
  if (data.file) await rm(data.file, { force: true });
  await failImportJob(deps.database.db, jobId, message);
  deps.jobs.settle(jobId, { status: "failed", error: error ?? new Error(message) });
}

/** The dead-letter queue: every job that failed for good passes here once. */
export async function deadLetterHandler(job: Job<Record<string, unknown>>, deps: AppDeps) {
  const sourceName = job.sourceName ?? "";
  const sourceId = job.sourceId ?? "";
  const original = sourceName && sourceId ? await deps.jobs.boss.getJobById(sourceName, sourceId) : null;
  const output = (original?.output ?? {}) as { message?: string };
  const message = output.message ?? "The job failed.";
  deps.log.error({ queue: sourceName, job: sourceId, error: message, attempts: (original?.retryCount ?? 0) + 1 }, "job failed for good");
  deps.metrics.inc("tally_jobs_dead_total", "Background jobs that failed for good (dead letters).");
  if (sourceName.startsWith("import.")) await failImport(deps, sourceId, job.data as Partial<ImportJobData>, message);
  return { job: sourceId };
}

/** The outcome of an import job from its record (another process may run it), or null while it runs. */
export async function importOutcome(db: Db, jobId: string): Promise<JobOutcome | null> {
  const [row] = await db
    .select({ status: jobs.status, result: jobs.result, lastError: jobs.lastError })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  if (!row) return { status: "failed", error: new Error("The import job is gone.") };
  if (row.status === "done") return { status: "done", result: row.result };
  if (row.status === "failed") return { status: "failed", error: new Error(row.lastError ?? "The import failed.") };
  return null;
}
