// The backtest's worker thread: builds the replays from the setup it is sent, applies each page
// of events as it arrives (answering how many it has applied), and answers the two sides at the end.
// A new setup starts a new run (the thread is kept between backtests).
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { type ReplayEvent, Replayer, type ReplaySetup } from "./replay.ts";

export type ToWorker = { setup: ReplaySetup } | { page: ReplayEvent[] } | { end: true };
export type FromWorker = { applied: number } | { sides: ReturnType<Replayer["finish"]> } | { error: string };

// Below the API's thread: on Linux a thread's nice value is its own (`setpriority` of 0 is the
// calling thread), so requests arriving during a long backtest take the CPU first. Elsewhere it
// would lower the whole process: left alone.
if (process.platform === "linux") {
  try {
    setPriority(0, 10);
  } catch {
    // Not permitted here: the backtest runs at the process's priority.
  }
}

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
