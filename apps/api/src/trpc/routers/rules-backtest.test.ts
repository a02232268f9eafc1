// A backtest runs in the background (its engine in a worker thread): rules.backtestStart answers
// at once with the run's id and the events to replay, rules.backtestProgress shows how many are
// applied and the answer once done (the same answer as rules.backtest on the same data), and
// rules.backtestCancel stops a run where it is. A run is a row of backtest_runs: another server of
// the same database answers its progress, its members and its cancel.
import { backtestPaging, backtestRunTiming, type EventInput, recordEvent, systemCtx } from "@tally/core";
import { backtestRuns, members } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, inProcessFetch } from "../../app.ts";
import { createApiClient } from "../../client.ts";
import { createLogger } from "../../logger.ts";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

const DAY = 86_400_000;

describe("backtest runs", () => {
  let h: Harness;
  let admin: TestClient;
  let source: string;
  const to = new Date();
  const from = new Date(to.getTime() - 365 * DAY);
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    source = 'earn "Spend" on invoice.paid { rate 1 point per $10 }\nreward "Visit" on visit.checked_in { award 20 points }';
    await admin.rules.save.mutate({ source, publish: true });
    // A year of invoices and check-ins for the practice's members.
    const people = await h.t.db.select({ id: members.id }).from(members).where(eq(members.practiceId, h.practiceIds["bright-smiles"]!));
    const inputs: EventInput[] = Array.from({ length: 150 }, (_, i) => {
      const member = people[i % people.length]!.id;
      const at = new Date(from.getTime() + (i + 1) * 2 * DAY).toISOString();
      return i % 3 === 0
        ? { id: `bt-visit-${i}`, type: "visit.checked_in", at, member }
        : {
            id: `bt-inv-${i}`,
            type: "invoice.paid",
            at,
            member,
            invoice: { id: `bt-${i}`, lines: [{ code: "X", amount: `${40 + i}.00` }] },
          };
    });
    const ctx = systemCtx(h.t.db, h.practiceIds["bright-smiles"]!);
    for (const input of inputs) await recordEvent({ ctx, input });
  }, 180_000);
  afterAll(async () => h?.dispose());

  async function settle(id: string) {
    for (;;) {
      const p = await admin.rules.backtestProgress.query({ id });
      if (p.status !== "running") return p;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("shows progress and answers what the synchronous backtest answers", async () => {
    const draft = source.replace(/award (\d+) points/, (_, n) => `award ${Number(n) + 5} points`);
    // The run on the worker thread; the synchronous verb below replays on the API's thread.
    backtestPaging.inlineUpTo = 0;
    const started = await admin.rules.backtestStart.mutate({ source: draft, from, to }).finally(() => {
      backtestPaging.inlineUpTo = 5000;
    });
    expect(started.status).toBe("running");
    expect(started.total).toBeGreaterThan(0);
    expect(started.result).toBeNull();
    const seen = new Set<number>();
    let p = started;
    while (p.status === "running") {
      seen.add(p.processed);
      expect(p.processed).toBeLessThanOrEqual(p.total);
      p = await admin.rules.backtestProgress.query({ id: started.id });
    }
    expect(p.status).toBe("done");
    expect(p.processed).toBe(p.total);
    const direct = await admin.rules.backtest.mutate({ source: draft, from, to });
    expect(p.result).toEqual(direct);
    expect(p.result!.replayed.total).toBe(p.total);
    expect(p.result!.draft.byRule.length).toBeGreaterThan(0);
    expect(JSON.stringify(p).length).toBeLessThan(1_000_000);
    // Every member of a side, page by page, most points first; the first page is the answer's top.
    const all: { memberId: string; points: number }[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await admin.rules.backtestMembers.query({ id: started.id, side: "draft", offset, limit: 2 });
      expect(page.total).toBe(p.result!.draft.memberCount);
      all.push(...page.items);
      if (page.items.length < 2) break;
    }
    expect(all.length).toBe(p.result!.draft.memberCount);
    expect(all.slice(0, p.result!.draft.byMember.length)).toEqual(
      p.result!.draft.byMember.map(({ memberId, points }) => expect.objectContaining({ memberId, points })),
    );
    expect(all.reduce((s, m) => s + m.points, 0)).toBe(p.result!.draft.points);
    for (let i = 1; i < all.length; i++) expect(all[i]!.points).toBeLessThanOrEqual(all[i - 1]!.points);
  });

  it("stops a cancelled run where it is, and another practice cannot see it", async () => {
    const other = await h.staff("admin", "paws-claws");
    backtestPaging.size = 10;
    backtestPaging.pauseMs = 100;
    backtestPaging.inlineUpTo = 0;
    backtestRunTiming.reportMs = 100;
    try {
      const started = await admin.rules.backtestStart.mutate({ source, from, to });
      let p = started;
      while (p.status === "running" && p.processed === 0) p = await admin.rules.backtestProgress.query({ id: started.id });
      await expect(other.rules.backtestProgress.query({ id: started.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      await expect(other.rules.backtestCancel.mutate({ id: started.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      const cancelled = await admin.rules.backtestCancel.mutate({ id: started.id });
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.processed).toBeGreaterThan(0);
      expect(cancelled.processed).toBeLessThan(cancelled.total);
      expect(cancelled.result).toBeNull();
      await expect(admin.rules.backtestMembers.query({ id: started.id, side: "draft" })).rejects.toMatchObject({
        data: { code: "CONFLICT" },
      });
      await new Promise((r) => setTimeout(r, 200));
      const after = await settle(started.id);
      expect(after).toMatchObject({ status: "cancelled", processed: cancelled.processed, result: null });
    } finally {
      backtestPaging.size = 2000;
      backtestPaging.pauseMs = 0;
      backtestPaging.inlineUpTo = 5000;
      backtestRunTiming.reportMs = 1000;
    }
  });

  it("a run started through one server is polled, paged and cancelled through another", async () => {
    // A second app on the same database, signed in with the admin's session.
    const other = createApp({ database: h.t, log: createLogger("silent") });
    const handOver = inProcessFetch(other);
    const second = createApiClient({
      url: "http://tally.test",
      headers: () => ({ cookie: admin.cookieHeader() }),
      fetch: (input, init) => handOver(new Request(input as string, init as RequestInit), "10.0.0.1"),
    });
    try {
      const started = await admin.rules.backtestStart.mutate({ source, from, to });
      let p = await second.rules.backtestProgress.query({ id: started.id });
      while (p.status === "running") p = await second.rules.backtestProgress.query({ id: started.id });
      expect(p).toMatchObject({ id: started.id, status: "done", processed: started.total, total: started.total, error: null });
      expect(await admin.rules.backtestProgress.query({ id: started.id })).toEqual(p);
      const page = await second.rules.backtestMembers.query({ id: started.id, side: "active", limit: 3 });
      expect(page.total).toBe(p.result!.active.memberCount);
      expect(page.items.map((m) => m.memberId)).toEqual(p.result!.active.byMember.slice(0, 3).map((m) => m.memberId));

      backtestPaging.size = 10;
      backtestPaging.pauseMs = 100;
      backtestRunTiming.reportMs = 100;
      const slow = await admin.rules.backtestStart.mutate({ source, from, to });
      let q = slow;
      while (q.status === "running" && q.processed === 0) q = await second.rules.backtestProgress.query({ id: slow.id });
      const cancelled = await second.rules.backtestCancel.mutate({ id: slow.id });
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.processed).toBeGreaterThan(0);
      expect(cancelled.processed).toBeLessThan(cancelled.total);
      await new Promise((r) => setTimeout(r, 300));
      expect(await admin.rules.backtestProgress.query({ id: slow.id })).toEqual(cancelled);
      const [row] = await h.t.db.select().from(backtestRuns).where(eq(backtestRuns.id, slow.id));
      expect(row).toMatchObject({ status: "cancelled", cancelRequested: true, result: null, processed: cancelled.processed });
    } finally {
      backtestPaging.size = 2000;
      backtestPaging.pauseMs = 0;
      backtestRunTiming.reportMs = 1000;
      await other.deps.jobs.stop();
    }
  });
});
