import { addDays, localDate, startOfLocalDay } from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { issuedCoupons, jobs, members, practices } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { and, eq, inArray } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../app.ts";
import { createLogger } from "../logger.ts";
import { createMailer } from "../mail.ts";
import { defaultHandlers } from "./handlers.ts";
import { claim, complete, enqueue, fail } from "./queue.ts";
import { scheduleDaily, startWorker } from "./worker.ts";

describe("job queue and schedules", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db, { members: 3 });
  });
  afterAll(async () => t?.dispose());

  it("enqueues a singleton once and claims each job once", async () => {
    const a = await enqueue(t.db, { queue: "test.once", singletonKey: "once:1" });
    const b = await enqueue(t.db, { queue: "test.once", singletonKey: "once:1" });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
    const [first, second] = [await claim(t.db, ["test.once"]), await claim(t.db, ["test.once"])];
    expect(first.map((j) => j.id)).toEqual([a!.id]);
    expect(second).toEqual([]);
    await complete(t.db, a!.id, { ok: true });
  });

  it("retries a failed job with backoff, then leaves it failed", async () => {
    const job = await enqueue(t.db, { queue: "test.fail", maxAttempts: 2 });
    let [claimed] = await claim(t.db, ["test.fail"]);
    await fail(t.db, claimed!, new Error("boom"));
    const [retry] = await t.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(retry).toMatchObject({ status: "pending", lastError: "boom", attempts: 1 });
    [claimed] = await claim(t.db, ["test.fail"], 5, new Date(Date.now() + 60_000));
    await fail(t.db, claimed!, new Error("boom again"));
    const [dead] = await t.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(dead?.status).toBe("failed");
  });

  it("computes local midnight in the practice's timezone", () => {
    expect(startOfLocalDay("2026-03-08", "America/Chicago").toISOString()).toBe("2026-03-08T06:00:00.000Z");
    expect(startOfLocalDay("2026-03-09", "America/Chicago").toISOString()).toBe("2026-03-09T05:00:00.000Z"); // after DST starts
    expect(localDate(new Date("2026-01-02T05:30:00Z"), "America/Chicago")).toBe("2026-01-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("schedules birthdays and the digest once per practice per local day", async () => {
    const deps = createDeps({ database: t, log: createLogger("silent") });
    const now = new Date("2026-06-01T05:10:00Z"); // 00:10 in Chicago, 23:10 the day before in Denver
    await scheduleDaily(deps, now);
    await scheduleDaily(deps, now);
    const rows = await t.db.select().from(jobs);
    const keys = rows.map((r) => r.singletonKey).filter((k) => k?.startsWith("birthdays") || k?.startsWith("digest"));
    expect(keys.filter((k) => k?.startsWith("birthdays")).length).toBe(2);
    expect(keys.some((k) => k?.endsWith(":2026-06-01") && k.startsWith("birthdays"))).toBe(true); // Chicago
    expect(keys.some((k) => k?.endsWith(":2026-05-31") && k.startsWith("birthdays"))).toBe(true); // Denver
  });

  it("the hourly coupon job expires each practice's coupons past their expiry", async () => {
    const [member] = await t.db.select().from(members).limit(1);
    const hour = 3_600_000;
    const issue = async (key: string, expiresAt: Date) =>
      (
        await t.db
          .insert(issuedCoupons)
          .values({
            practiceId: member!.practiceId,
            memberId: member!.id,
            coupon: key,
            issuedAt: new Date(Date.now() - 48 * hour),
            expiresAt,
            idempotencyKey: `job-test:${key}`,
          })
          .returning()
      )[0]!.id;
    const gone = await issue("gone", new Date(Date.now() - hour));
    const valid = await issue("valid", new Date(Date.now() + hour));
    const deps = createDeps({ database: t, log: createLogger("silent") });
    const worker = startWorker(deps, { "coupons.expire": defaultHandlers["coupons.expire"]! }, { autostart: false });
    expect(await worker.tick(new Date())).toBeGreaterThanOrEqual(1);
    const rows = await t.db
      .select()
      .from(issuedCoupons)
      .where(inArray(issuedCoupons.id, [gone, valid]));
    expect(Object.fromEntries(rows.map((r) => [r.coupon, r.status]))).toEqual({ gone: "expired", valid: "active" });
    // One job per practice ran; the member's practice reports the coupon it expired.
    const all = await t.db.select({ id: practices.id }).from(practices);
    const done = await t.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.queue, "coupons.expire"), eq(jobs.status, "done")));
    expect(new Set(done.map((j) => j.practiceId))).toEqual(new Set(all.map((p) => p.id)));
    expect(done.filter((j) => j.practiceId === member!.practiceId).map((j) => j.result)).toContainEqual({ expired: 1 });
  });

  it("sends mail through a real SMTP server", async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => (data += chunk.toString()));
        stream.on("end", () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.server.address() as { port: number }).port;
    const mailer = createMailer(t.db, { smtpUrl: `smtp://127.0.0.1:${port}`, from: "Tally <no-reply@tally.test>" });
    const deps = createDeps({ database: t, log: createLogger("silent"), mailer });
    await enqueue(t.db, {
      queue: "digest.send",
      payload: { to: "ana@example.com", firstName: "Ana", points: 25, balance: 125, practiceName: "Bright Smiles", date: "2026-06-01" },
    });
    const { digestSendHandler } = await import("./worker.ts");
    const worker = startWorker(deps, { "digest.send": digestSendHandler }, { autostart: false });
    expect(await worker.tick()).toBeGreaterThanOrEqual(1);
    mailer.close();
    await new Promise<void>((r) => server.close(() => r()));
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/Subject: You earned 25 points at Bright Smiles/);
    expect(received[0]).toMatch(/balance is now 125 points/);
  });

  it("keeps mail in the dev mailbox when no SMTP server is set", async () => {
    const mailer = createMailer(t.db, { from: "x" });
    await mailer.send({ to: "sam@example.com", subject: "Hello", text: "Hi" });
    const rows = await t.db.query.devMailbox.findMany();
    expect(rows.map((r) => r.to)).toContain("sam@example.com");
  });
});
