// Concurrency-sensitive API behaviour on real PostgreSQL: job claiming, one-time pairing codes,
// lockout counting and exactly-once imports under parallel requests.
import { authLockouts, events, jobs, ledgerEntries, members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claim, enqueue } from "./jobs/queue.ts";
import { createHarness, type Harness, type TestClient } from "./testing/harness.ts";

describe("concurrency on PostgreSQL", () => {
  let h: Harness;
  let admin: TestClient;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
  });
  afterAll(async () => h?.dispose());

  it("never hands one job to two workers (FOR UPDATE SKIP LOCKED)", async () => {
    for (let i = 0; i < 40; i++) await enqueue(h.t.db, { queue: "pg.claim", payload: { i } });
    const claimed = (await Promise.all(Array.from({ length: 8 }, () => claim(h.t.db, ["pg.claim"], 10)))).flat();
    const ids = claimed.map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
    const [{ running }] = (await h.t.db
      .select({ running: sql<number>`count(*)::int` })
      .from(jobs)
      .where(and(eq(jobs.queue, "pg.claim"), eq(jobs.status, "running")))) as [{ running: number }];
    expect(running).toBe(40);
  });

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
