// The job handlers this API runs, by queue name.
import { systemCtx } from "@tally/core";
import { runBirthdays } from "../core.ts";
import type { JobHandlers } from "./worker.ts";
import { digestHandler, digestSendHandler } from "./worker.ts";

export const defaultHandlers: JobHandlers = {
  /** Birthday events at the practice's local midnight (the verb sends each member one a year). */
  birthdays: async (job, deps) => runBirthdays({ ctx: systemCtx(deps.database.db, job.practiceId!) }),
  digest: digestHandler,
  "digest.send": digestSendHandler,
  // TODO(core): expire coupons past their expiry with a core verb; until then expired coupons are
  // filtered out where they are read (kiosk summary), and this job records that it ran.
  "coupons.expire": async () => ({ expired: 0 }),
};
