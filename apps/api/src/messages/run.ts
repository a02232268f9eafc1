// The message drain as the API runs it: the `messages.send` job (every minute, and nudged after
// something was queued), or right away in a process without the job runner (TALLY_JOBS=off, tests).
import type { AppDeps } from "../trpc/context.ts";
import { type DrainOptions, type DrainReport, drainMessages } from "./drain.ts";

/** The address people use (PUBLIC_URL), else this server on localhost (as the server announces itself). */
export const publicUrlOf = (deps: Pick<AppDeps, "config">) =>
  (deps.config.publicUrl ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "");

export async function runMessageDrain(deps: AppDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const report = await drainMessages({ db: deps.database.db, mailer: deps.mailer, publicUrl: publicUrlOf(deps) }, options);
  if (report.sent) deps.metrics.inc("tally_messages_sent_total", "Messages (email and SMS) accepted by the provider.", report.sent);
  if (report.failed) deps.metrics.inc("tally_messages_failed_total", "Messages that failed for good.", report.failed);
  if (report.interrupted)
    deps.metrics.inc("tally_messages_unknown_total", "Messages interrupted mid-send (shown to staff as unknown).", report.interrupted);
  if (report.sent + report.failed + report.retrying + report.interrupted > 0) deps.log.info({ messages: report }, "message outbox");
  return report;
}

/** After messages were committed: a `messages.send` job soon (one at a time), or a drain now. */
export async function drainSoon(deps: AppDeps): Promise<void> {
  try {
    if (deps.jobs.started)
      await deps.jobs.send(deps.database.db, "messages.send", {}, { singletonKey: "messages.send", singletonSeconds: 5 });
    else await runMessageDrain(deps);
  } catch (err) {
    deps.log.error({ err }, "message drain failed");
  }
}
