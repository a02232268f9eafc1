import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listFailedJobs, systemCtx } from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { devMailbox, importRuns, issuedCoupons, jobs, ledgerEntries, memberBalances, members, practices } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../app.ts";
import { createLogger } from "../logger.ts";
import { createMailer } from "../mail.ts";
import { localSmtp } from "../testing/smtp.ts";
import type { AppDeps } from "../trpc/context.ts";
import { jobDefinitions } from "./handlers.ts";
import type { ImportJobData } from "./import-job.ts";
import type { Job, JobDefinition } from "./runtime.ts";

const rowsOf = (r: unknown) => (Array.isArray(r) ? r : ((r as { rows: unknown[] }).rows ?? [])) as Record<string, unknown>[];
const until = async (what: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("jobs on pg-boss", () => {
  let t: TestDatabase;
  let practiceIds: Record<string, string>;
  const open: AppDeps[] = [];
  const depsWith = (jobsConfig: Parameters<typeof createDeps>[0]["jobs"] = {}, mailer?: AppDeps["mailer"]) => {
    const deps = createDeps({ database: t, log: createLogger("silent"), mailer, jobs: { pollingIntervalSeconds: 0.5, ...jobsConfig } });
    open.push(deps);
    return deps;
  };
  beforeAll(async () => {
    t = await createTestDatabase();
    practiceIds = (await seedDemo(t.db, { members: 3 })).practiceIds;
  });
  afterAll(async () => {
    for (const d of open) await d.jobs.stop();
    await t?.dispose();
  });

  it("enqueues in the caller's transaction: a rolled-back transaction leaves no job", async () => {
    const deps = depsWith();
    await deps.jobs.start();
    const practiceId = practiceIds["bright-smiles"]!;
    const kept = await t.db.transaction((tx) => deps.jobs.send(tx, "digest.send", { practiceId, to: "kept@example.com" }));
    let dropped: string | null = null;
    await expect(
      t.db.transaction(async (tx) => {
        dropped = await deps.jobs.send(tx, "digest.send", { practiceId, to: "dropped@example.com" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(kept).toBeTruthy();
    expect(dropped).toBeTruthy();
    const found = rowsOf(await t.db.execute(sql`select id::text from pgboss.job where id::text in (${kept}, ${dropped})`)).map((r) => r.id);
    expect(found).toEqual([kept]);
    await deps.jobs.boss.deleteJob("digest.send", kept!);
    await deps.jobs.stop();
  });

  it("retries an import whose worker never completes within its lease, then fails it and its import run", async () => {
    const practiceId = practiceIds["bright-smiles"]!;
    let attempts = 0;
    // The worker takes the job, starts its run, and never completes (a hung or dead process): the
    // lease (1 s here) runs out, pg-boss retries it, the retry hangs too, and the job fails for good.
    const hang: JobDefinition<ImportJobData> = {
      name: "import.upload",
      runs: "always",
      handler: async (job: Job<ImportJobData>) => {
        attempts++;
        if (attempts === 1) await t.db.insert(importRuns).values({ practiceId, source: "csv", rows: 1, jobId: job.id });
        await new Promise((_, reject) => job.signal.addEventListener("abort", () => reject(new Error("lease ran out"))));
      },
    };
    const deps = depsWith({
      definitions: jobDefinitions.map((d) => (d.name === "import.upload" ? (hang as JobDefinition<never>) : d)),
      queueOptions: { "import.upload": { expireInSeconds: 1, retryLimit: 1, retryDelay: 1, retryBackoff: true, retryDelayMax: 1 } },
      boss: { superviseIntervalSeconds: 1 },
    });
    await deps.jobs.start();
    const jobId = crypto.randomUUID();
    const file = deps.jobs.spoolFile(jobId);
    await writeFile(file, "member_id,invoice_id,date,code,amount\nPMS-10000,H-1,2026-03-09,CLEAN,30.00\n");
    await t.db.transaction(async (tx) => {
      await tx.insert(jobs).values({ id: jobId, practiceId, queue: "import.invoices", status: "pending", total: 1 });
      await deps.jobs.send(tx, "import.upload", { practiceId, actor: { kind: "system", id: "system" }, file }, { id: jobId });
    });
    await until(async () => (await t.db.select().from(jobs).where(eq(jobs.id, jobId)))[0]?.status === "failed");
    expect(attempts).toBe(2);
    const [state] = rowsOf(await t.db.execute(sql`select state, retry_count from pgboss.job where id = ${jobId}`));
    expect(state).toMatchObject({ state: "failed", retry_count: 1 });
    const [run] = await t.db.select().from(importRuns).where(eq(importRuns.jobId, jobId));
    expect(run?.finishedAt).not.toBeNull();
    expect(run?.error).toMatch(/exceeded|lease/);
    expect(existsSync(file)).toBe(false);
    // The admin app's dead letters: the practice's failed jobs with their error and time.
    const failed = await listFailedJobs({ ctx: systemCtx(t.db, practiceId) });
    expect(failed.find((f) => f.id === jobId)).toMatchObject({ queue: "import.upload", attempts: 2, failedAt: expect.any(Date) });
    expect(await listFailedJobs({ ctx: systemCtx(t.db, practiceIds["paws-claws"]!) })).toEqual([]);
    await deps.jobs.stop();
  });

  it("sweeps the spool folder at start: files without a queued or running job go", async () => {
    const spoolDir = join(tmpdir(), `tally-spool-test-${crypto.randomUUID()}`);
    await mkdir(spoolDir, { recursive: true });
    const practiceId = practiceIds["bright-smiles"]!;
    const first = depsWith({ spoolDir });
    await first.jobs.start();
    // A job queued for later (its upload must stay) and two leftovers of a crash.
    const queued = crypto.randomUUID();
    await t.db.transaction((tx) =>
      first.jobs.send(
        tx,
        "import.upload",
        { practiceId, file: join(spoolDir, `${queued}.csv`) },
        { id: queued, startAfter: new Date(Date.now() + 3_600_000) },
      ),
    );
    await first.jobs.stop();
    for (const id of [queued, crypto.randomUUID(), crypto.randomUUID()]) await writeFile(join(spoolDir, `${id}.csv`), "x");
    const second = depsWith({ spoolDir });
    await second.jobs.start();
    expect(await readdir(spoolDir)).toEqual([`${queued}.csv`]);
    await second.jobs.boss.deleteJob("import.upload", queued);
    await second.jobs.stop();
  });

  it("schedules the daily and hourly jobs per practice in its timezone, and drops a deleted practice's", async () => {
    const deps = depsWith({ background: true });
    await deps.jobs.start();
    const all = await t.db.select({ id: practices.id, timezone: practices.timezone }).from(practices);
    const schedules = await deps.jobs.boss.getSchedules();
    for (const name of ["birthdays", "digest", "coupons.expire"]) {
      const mine = schedules.filter((s) => s.name === name);
      expect(new Set(mine.map((s) => `${s.key} ${s.timezone}`))).toEqual(new Set(all.map((p) => `${p.id} ${p.timezone}`)));
    }
    expect(schedules.find((s) => s.name === "birthdays")?.cron).toBe("0 0 * * *");
    expect(schedules.find((s) => s.name === "coupons.expire")?.cron).toBe("0 * * * *");
    expect(schedules.filter((s) => s.name === "schedules.sync")).toHaveLength(1);
    await deps.jobs.boss.schedule("birthdays", "0 0 * * *", { practiceId: "gone" }, { key: "gone" });
    await deps.jobs.syncSchedules();
    expect((await deps.jobs.boss.getSchedules("birthdays")).map((s) => s.key)).not.toContain("gone");
    await deps.jobs.stop();
  });

  it("the hourly coupon job expires the practice's coupons past their expiry", async () => {
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
    const deps = depsWith({ background: true });
    await deps.jobs.start();
    const id = await deps.jobs.send(t.db, "coupons.expire", { practiceId: member!.practiceId });
    await until(async () => (await deps.jobs.boss.getJobById("coupons.expire", id!))?.state === "completed");
    expect((await deps.jobs.boss.getJobById("coupons.expire", id!))?.output).toEqual({ expired: 1 });
    const rows = await t.db
      .select()
      .from(issuedCoupons)
      .where(inArray(issuedCoupons.id, [gone, valid]));
    expect(Object.fromEntries(rows.map((r) => [r.coupon, r.status]))).toEqual({ gone: "expired", valid: "active" });
    await deps.jobs.stop();
  });

  it("sends the digest mail through a real SMTP server", async () => {
    const smtp = await localSmtp();
    const mailer = createMailer(t.db, { smtpUrl: smtp.url, from: "Tally <no-reply@tally.test>" });
    const deps = depsWith({ background: true }, mailer);
    await deps.jobs.start();
    await deps.jobs.send(t.db, "digest.send", {
      practiceId: practiceIds["bright-smiles"]!,
      to: "ana@example.com",
      firstName: "Ana",
      points: 25,
      balance: 125,
      practiceName: "Bright Smiles",
      date: "2026-06-01",
    });
    await until(async () => smtp.received.length > 0);
    await deps.jobs.stop();
    mailer.close();
    await smtp.close();
    expect(smtp.received[0]!.raw).toMatch(/Subject: You earned 25 points at Bright Smiles/);
    expect(smtp.received[0]!.raw).toMatch(/balance is now 125 points/);
  });

  it("the digest mails yesterday's recorded points (an overnight import of older invoices too) and nothing in test mode", async () => {
    const DAY = 86_400_000;
    // Two practices in UTC: one on, one in test mode; a member each with a point entry that was
    // recorded yesterday at 02:00 (the overnight import) for an invoice dated four days earlier.
    const yesterday2am = new Date(Math.floor(Date.now() / DAY) * DAY - DAY + 2 * 3_600_000);
    const setup = async (slug: string, status: "on" | "test") => {
      const [p] = await t.db
        .insert(practices)
        .values({ slug, name: `Digest ${slug}`, timezone: "UTC", status })
        .returning();
      const [m] = await t.db
        .insert(members)
        .values({ practiceId: p!.id, firstName: "Ivo", lastName: "Night", email: `ivo@${slug}.test`, registered: true })
        .returning();
      await t.db.insert(ledgerEntries).values({
        practiceId: p!.id,
        memberId: m!.id,
        kind: "earn",
        points: 42,
        idempotencyKey: `digest-test:${slug}`,
        actorKind: "system",
        actorId: "import",
        at: new Date(+yesterday2am - 4 * DAY),
        createdAt: yesterday2am,
      });
      await t.db.insert(memberBalances).values({ memberId: m!.id, practiceId: p!.id, balance: 42 });
      return p!.id;
    };
    const on = await setup(`digest-on-${Date.now()}`, "on");
    const testMode = await setup(`digest-test-${Date.now()}`, "test");
    const deps = depsWith({ background: true });
    await deps.jobs.start();
    await deps.jobs.send(t.db, "digest", { practiceId: on });
    await deps.jobs.send(t.db, "digest", { practiceId: testMode });
    const mailTo = (practiceId: string) => t.db.select().from(devMailbox).where(eq(devMailbox.practiceId, practiceId));
    await until(async () => (await mailTo(on)).length > 0);
    const [mail] = await mailTo(on);
    expect(mail).toMatchObject({ subject: expect.stringContaining("You earned 42 points"), to: expect.stringMatching(/^ivo@digest-on-/) });
    // The test-mode practice's digest ran too, and mailed nobody.
    await until(async () => {
      const done = rowsOf(
        await t.db.execute(
          sql`select count(*)::int as n from pgboss.job where name = 'digest' and state = 'completed' and data->>'practiceId' = ${testMode}`,
        ),
      );
      return Number(done[0]?.n ?? 0) > 0;
    });
    expect(await mailTo(testMode)).toEqual([]);
    await deps.jobs.stop();
  });

  it("keeps mail in the dev mailbox when no SMTP server is set", async () => {
    const mailer = createMailer(t.db, { from: "x" });
    await mailer.send({ to: "sam@example.com", subject: "Hello", text: "Hi" });
    const rows = await t.db.query.devMailbox.findMany();
    expect(rows.map((r) => r.to)).toContain("sam@example.com");
  });
});
