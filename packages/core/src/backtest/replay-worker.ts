// The backtest's worker thread: builds the replays from the setup it is sent, applies each page
// of events as it arrives (answering how many it has applied), and answers the two sides at the end.
// A new setup starts a new run (the thread is kept between backtests).
import { parentPort } from "node:worker_threads";
import { type ReplayEvent, Replayer, type ReplaySetup } from "./replay.ts";

export type ToWorker = { setup: ReplaySetup } | { page: ReplayEvent[] } | { end: true };
export type FromWorker = { applied: number } | { sides: ReturnType<Replayer["finish"]> } | { error: string };

let replayer: Replayer | null = null;
let applied = 0;
parentPort!.on("message", (m: ToWorker) => {
  try {
    if ("setup" in m) {
      replayer = new Replayer(m.setup);
      applied = 0;
    } else if ("page" in m) {
      replayer!.page(m.page);
      applied += m.page.length;
      parentPort!.postMessage({ applied } satisfies FromWorker);
    } else parentPort!.postMessage({ sides: replayer!.finish() } satisfies FromWorker);
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromWorker);
  }
});
