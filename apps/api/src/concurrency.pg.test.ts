// Concurrency-sensitive API behaviour on real PostgreSQL: jobs whose lease runs out, one-time pairing codes,
// lockout counting and exactly-once imports under parallel requests.
import { authLockouts, events, ledgerEntries, members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "./app.ts";
import { jobDefinitions } from "./jobs/handlers.ts";
import { deadLetterQueue, type JobDefinition } from "./jobs/runtime.ts";
import { createLogger } from "./logger.ts";
import { createHarness, type Harness, type TestClient } from "./testing/harness.ts";

describe("concurrency on PostgreSQL", () => {
  let h: Harness;
  let admin: TestClient;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
  });
  afterAll(async () => h?.dispose());

  it("never runs a job beside itself when its lease runs out while the worker still runs", async () => {
    // pg-boss leases are time-based: after expireInSeconds it fails the attempt and retries the job,
    // and another process may claim the retry while the first handler still runs (a stalled worker
    // that ignores its abort signal). Two processes here; the handler stalls 3 s on a 1 s lease. The
    // per-job advisory lock turns the overlapping retry into a failed attempt (retried later), so
    // the job may run again after the first attempt, never beside it.
    let running = 0;
    let most = 0;
    let runs = 0;
    const stall: JobDefinition = {
      name: "pg.stall",
      runs: "always",
      options: { expireInSeconds: 1, retryLimit: 6, retryDelay: 1, retryBackoff: true, retryDelayMax: 1 },
      handler: async () => {
        running++;
        runs++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 3_000));
        running--;
        return null;
      },
    };
    const definitions = [stall, jobDefinitions.find((d) => d.name === deadLetterQueue)!] as JobDefinition<never>[];
    const processes = [0, 1].map(() =>
      createDeps({
        database: h.t,
        log: createLogger("silent"),
        jobs: { definitions, pollingIntervalSeconds: 0.5, boss: { superviseIntervalSeconds: 1 } },
      }),
    );
    try {
      await processes[0]!.jobs.start();
      const id = await processes[0]!.jobs.send(h.t.db, "pg.stall", { practiceId: h.practiceIds["bright-smiles"]! });
      await processes[1]!.jobs.start();
      const end = Date.now() + 25_000;
      while (Date.now() < end && runs < 2) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 3_500));
      expect(runs).toBeGreaterThanOrEqual(2); // retried after the lease ran out...
      expect(most).toBe(1); // ...but never beside the attempt still running
      expect(id).toBeTruthy();
    } finally {
      for (const p of processes) await p.jobs.stop();
    }
  }, 60_000);

  it("lets a pairing code pair exactly one of many racing tablets", async () => {
    const { code } = await admin.kiosks.createPairing.mutate({ name: "Race" });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => h.client({ ip: `10.7.0.${i}` }).checkin.pair.mutate({ code })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("counts every one of many simultaneous wrong passwords toward the lockout", async () => {
    const email = "admin@pawsclaws.test";
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        h
          .client({ ip: `10.8.0.${i}` })
          .auth.signIn.mutate({ email, password: `x${i}` })
          .catch(() => {}),
      ),
    );
    const [row] = await h.t.db.select().from(authLockouts).where(eq(authLockouts.subject, email));
    expect(row?.failures).toBe(9);
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        h
          .client({ ip: `10.8.1.${i}` })
          .auth.signIn.mutate({ email, password: `y${i}` })
          .catch(() => {}),
      ),
    );
    const [locked] = await h.t.db.select().from(authLockouts).where(eq(authLockouts.subject, email));
    expect(locked?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
  });

  it("imports the same CSV sent eight times at once exactly once", async () => {
    await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true });
    const lines = ["member_id,invoice_id,date,code,amount"];
    for (let i = 0; i < 200; i++) lines.push(`PMS-1000${i % 5},R-${i},2026-04-0${1 + (i % 9)},CLEAN,${10 + (i % 7)}0.00`);
    const csv = lines.join("\n");
    const send = () =>
      h
        .request("/api/v1/imports?wait=true", {
          method: "POST",
          headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
          body: csv,
        })
        .then((r) => r.json() as Promise<{ imported: number }>);
    const results = await Promise.all(Array.from({ length: 8 }, send));
    expect(results.reduce((s, r) => s + r.imported, 0)).toBe(200);
    // Each invoice recorded once, its points in the ledger once (the COPY import books a run's
    // points per member and rule, so the ledger's points are compared, not its entry count).
    const practiceId = h.practiceIds["bright-smiles"]!;
    const [recorded] = await h.t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(and(eq(events.practiceId, practiceId), sql`${events.externalId} like 'invoice:R-%'`));
    expect(recorded!.n).toBe(200);
    const [sum] = await h.t.db
      .select({ points: sql<number>`coalesce(sum(${ledgerEntries.points}), 0)::int` })
      .from(ledgerEntries)
      .innerJoin(members, eq(members.id, ledgerEntries.memberId))
      .where(eq(members.practiceId, practiceId));
    let expected = 0;
    for (let i = 0; i < 200; i++) expected += 10 + (i % 7);
    expect(sum!.points).toBe(expected);
  });
});
