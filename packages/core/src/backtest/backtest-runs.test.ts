// A backtest run is a row of backtest_runs: its progress, its answer and its members are read from
// the table (any process answers), a cancel raised on the row stops the process running it, a run
// whose process stopped writing is reported interrupted, and finished runs are deleted after a day.
import { backtestRuns } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import {
  backtestMembers,
  backtestPaging,
  backtestProgress,
  backtestRunTiming,
  cancelBacktest,
  deleteOldBacktestRuns,
  runBacktest,
  startBacktest,
} from "./backtest.ts";

const RULES = 'reward "Visit" on visit.checked_in { award 20 points }';
const DAY = 86_400_000;

describe("backtest runs in the table", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  const to = new Date();
  const from = new Date(to.getTime() - 30 * DAY);
  const draft = RULES.replace("20", "25");

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: RULES, publish: true } });
    const people = await makeMembers(
      t,
      p.id,
      Array.from({ length: 6 }, (_, i) => ({ firstName: `M${i}`, lastName: "Run" })),
    );
    // Member i checks in i + 1 times: 21 events.
    for (const [i, m] of people.entries())
      for (let k = 0; k <= i; k++)
        await recordEvent({
          ctx: p.system,
          input: { id: `v-${i}-${k}`, type: "visit.checked_in", at: new Date(from.getTime() + (k + 1) * DAY).toISOString(), member: m.id },
        });
  });
  afterAll(() => t?.dispose());

  const row = async (id: string) => (await t.db.select().from(backtestRuns).where(eq(backtestRuns.id, id)))[0]!;
  const slow = async <T>(f: () => Promise<T>) => {
    backtestPaging.size = 2;
    backtestPaging.pauseMs = 40;
    backtestRunTiming.reportMs = 50;
    try {
      return await f();
    } finally {
      backtestPaging.size = 2000;
      backtestPaging.pauseMs = 0;
      backtestRunTiming.reportMs = 1000;
    }
  };

  it("writes progress while it runs and the answer at the end; progress and members read the row", async () => {
    const direct = await runBacktest({ ctx: p.admin, input: { source: draft, from, to } });
    await slow(async () => {
      const started = await startBacktest({ ctx: p.admin, input: { source: draft, from, to } });
      expect(started).toMatchObject({ status: "running", processed: 0, total: 21, result: null });
      const stored = await row(started.id);
      expect(stored).toMatchObject({ practiceId: p.id, status: "running", total: 21, rangeFrom: from, rangeTo: to, versionId: null });
      expect(stored.startedBy).toContain(p.admin.actor.id);
      expect(stored.draftHash).toMatch(/^[0-9a-f]+$/);
      const seen: number[] = [];
      let progress = started;
      while (progress.status === "running") {
        await new Promise((r) => setTimeout(r, 20));
        progress = await backtestProgress({ ctx: p.admin, input: { id: started.id } });
        seen.push(progress.processed);
      }
      // Written as it went (not only at the end), never past the total.
      expect(seen.some((n) => n > 0 && n < 21)).toBe(true);
      expect(progress).toMatchObject({ status: "done", processed: 21, total: 21, error: null });
      expect(progress.result).toEqual(direct);
      const done = await row(started.id);
      expect(done.finishedAt).not.toBeNull();
      expect(done.result).not.toBeNull();
      // Every member of a side, from the stored ranking.
      const page = await backtestMembers({ ctx: p.admin, input: { id: started.id, side: "draft", offset: 1, limit: 2 } });
      expect(page.total).toBe(6);
      expect(page.items.map((m) => m.points)).toEqual([25 * 5, 25 * 4]);
      expect(page.items[0]!.name).toBe("M4 Run");
      const beyond = await backtestMembers({ ctx: p.admin, input: { id: started.id, side: "active", offset: 10 } });
      expect(beyond).toMatchObject({ total: 6, items: [] });
      // Another practice does not see it.
      await expect(backtestProgress({ ctx: other.admin, input: { id: started.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(backtestMembers({ ctx: other.admin, input: { id: started.id, side: "draft" } })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    });
  });

  it("stops when the row's cancel flag is raised (a cancel made by another process)", async () => {
    await slow(async () => {
      const running = runBacktest({ ctx: p.admin, input: { source: draft, from, to } });
      running.catch(() => {});
      let id: string | undefined;
      for (;;) {
        const [r] = await t.db
          .select({ id: backtestRuns.id, processed: backtestRuns.processed })
          .from(backtestRuns)
          .where(and(eq(backtestRuns.practiceId, p.id), eq(backtestRuns.status, "running")));
        if (r && r.processed > 0) {
          id = r.id;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Only the flag, as a process that does not run it would raise it.
      await t.db.update(backtestRuns).set({ cancelRequested: true }).where(eq(backtestRuns.id, id));
      await expect(running).rejects.toMatchObject({ code: "CONFLICT" });
      const stopped = await backtestProgress({ ctx: p.admin, input: { id } });
      expect(stopped.status).toBe("cancelled");
      expect(stopped.processed).toBeGreaterThan(0);
      expect(stopped.processed).toBeLessThan(21);
      expect(stopped.result).toBeNull();
      await expect(backtestMembers({ ctx: p.admin, input: { id, side: "draft" } })).rejects.toMatchObject({ code: "CONFLICT" });
    });
  });

  it("a cancel marks the row at once and keeps the progress it had; a finished run is answered as it is", async () => {
    await slow(async () => {
      const started = await startBacktest({ ctx: p.admin, input: { source: draft, from, to } });
      let progress = started;
      while (progress.processed === 0) {
        await new Promise((r) => setTimeout(r, 10));
        progress = await backtestProgress({ ctx: p.admin, input: { id: started.id } });
      }
      const cancelled = await cancelBacktest({ ctx: p.admin, input: { id: started.id } });
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.processed).toBeLessThan(21);
      await new Promise((r) => setTimeout(r, 200));
      expect(await backtestProgress({ ctx: p.admin, input: { id: started.id } })).toEqual(cancelled);
      expect(await row(started.id)).toMatchObject({ status: "cancelled", cancelRequested: true, processed: cancelled.processed });
    });
    const finished = await startBacktest({ ctx: p.admin, input: { source: draft, from, to } });
    let progress = finished;
    while (progress.status === "running") {
      await new Promise((r) => setTimeout(r, 10));
      progress = await backtestProgress({ ctx: p.admin, input: { id: finished.id } });
    }
    expect(await cancelBacktest({ ctx: p.admin, input: { id: finished.id } })).toEqual(progress);
    expect(progress.status).toBe("done");
  });

  it("reports a run whose process stopped writing as interrupted", async () => {
    const [dead] = await t.db
      .insert(backtestRuns)
      .values({ practiceId: p.id, startedBy: "staff:x", rangeFrom: from, rangeTo: to, total: 100, processed: 40 })
      .returning();
    const [fresh] = await t.db
      .insert(backtestRuns)
      .values({ practiceId: p.id, startedBy: "staff:x", rangeFrom: from, rangeTo: to, total: 100, processed: 40 })
      .returning();
    await t.db.update(backtestRuns).set({ updatedAt: sql`now() - interval '10 minutes'` }).where(eq(backtestRuns.id, dead!.id));
    const interrupted = await backtestProgress({ ctx: p.admin, input: { id: dead!.id } });
    expect(interrupted).toMatchObject({ status: "failed", processed: 40, result: null });
    expect(interrupted.error).toMatch(/interrupted/);
    expect((await row(dead!.id)).finishedAt).not.toBeNull();
    // One written to a minute ago is still running (its process is alive somewhere).
    expect(await backtestProgress({ ctx: p.admin, input: { id: fresh!.id } })).toMatchObject({ status: "running", processed: 40 });
  });

  it("the daily cleanup deletes runs finished more than a day ago and abandoned ones", async () => {
    const values = { practiceId: other.id, startedBy: "staff:x", rangeFrom: from, rangeTo: to };
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const rows = await t.db
      .insert(backtestRuns)
      .values([
        { ...values, status: "done", finishedAt: ago(2 * DAY), updatedAt: ago(2 * DAY) },
        { ...values, status: "done", finishedAt: ago(DAY / 2), updatedAt: ago(DAY / 2) },
        { ...values, status: "running", updatedAt: ago(2 * DAY) },
        { ...values, status: "running", updatedAt: ago(60_000) },
      ])
      .returning({ id: backtestRuns.id });
    expect(await deleteOldBacktestRuns(t.db, now)).toBeGreaterThanOrEqual(2);
    const left = await t.db.select({ id: backtestRuns.id }).from(backtestRuns).where(eq(backtestRuns.practiceId, other.id));
    expect(left.map((r) => r.id).sort()).toEqual([rows[1]!.id, rows[3]!.id].sort());
  });
});
