// The job handlers this API runs, by queue name.
import { Readable } from "node:stream";
import { type Ctx, expireCoupons, runBirthdays, systemCtx } from "@tally/core";
import { importCsv } from "../http/import-csv.ts";
import type { JobHandlers } from "./worker.ts";
import { digestHandler, digestSendHandler } from "./worker.ts";

export const defaultHandlers: JobHandlers = {
  /** Birthday events at the practice's local midnight (the verb sends each member one a year). */
  birthdays: async (job, deps) => runBirthdays({ ctx: systemCtx(deps.database.db, job.practiceId!) }),
  digest: digestHandler,
  "digest.send": digestSendHandler,
  /** Hourly, per practice: active coupons past their expiry become expired (readers also check the time). */
  "coupons.expire": async (job, deps) => expireCoupons({ ctx: systemCtx(deps.database.db, job.practiceId!) }),
};

/** A CSV queued with `?when=nightly`: imported by the worker at 02:00 practice time. */
defaultHandlers["import.invoices"] = async (job, deps) => {
  const payload = job.payload as { csv?: string; actor?: Ctx["actor"] };
  if (typeof payload.csv !== "string") return { skipped: "no file (a streamed import that was interrupted)" };
  const ctx: Ctx = { db: deps.database.db, practiceId: job.practiceId!, actor: payload.actor ?? { kind: "system", id: "system" } };
  return importCsv(ctx, Readable.from([payload.csv]), { jobId: job.id, source: "nightly" });
};
