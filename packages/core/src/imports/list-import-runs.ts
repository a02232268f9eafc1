// Import history for the admin Imports page: each run with its counts and row errors.

import { importRuns } from "@tally/db";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";

export const listImportRunsInput = z.object({ limit: z.number().int().min(1).max(200).default(25) });

export async function listImportRuns({ ctx, input }: { ctx: Ctx; input?: Input<typeof listImportRunsInput> }) {
  authorize(ctx, "imports.invoices");
  const q = parseInput(listImportRunsInput, input ?? {});
  const rows = await ctx.db
    .select()
    .from(importRuns)
    .where(eq(importRuns.practiceId, ctx.practiceId))
    .orderBy(desc(importRuns.startedAt))
    .limit(q.limit);
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    rows: r.rows,
    imported: r.imported,
    skipped: r.skipped,
    errors: r.errors,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    /** Set when the run's job failed before the run finished (crash, expiry, error). */
    error: r.error,
  }));
}
