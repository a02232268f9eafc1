// An invoice import job as the admin app and integrations poll it: status, live progress
// (processed / total) and the result. The practice is always ctx's.
import { jobs } from "@tally/db";
import { and, eq } from "drizzle-orm";
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
