import { members } from "@tally/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportJobData, runImportJob } from "../jobs/import-job.ts";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";

describe("invoice import (JSON endpoint and CSV upload)", () => {
  let h: Harness;
  let admin: TestClient;
  let key: string;
  let ana: typeof members.$inferSelect;
  const balance = async () => (await admin.ledger.balance.query({ memberId: ana.id })).balance;
  const postJson = (body: unknown, token = key) =>
    h.request("/api/v1/invoices", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const postCsv = (csv: string, headers: Record<string, string> = {}, query = "") =>
    h.request(`/api/v1/imports${query || "?wait=true"}`, {
      method: "POST",
      headers: { cookie: admin.cookieHeader(), "content-type": "text/csv", ...headers },
      body: csv,
    });

  const importJob = async (id: string) =>
    (await (await h.request(`/api/v1/imports/${id}`, { headers: { cookie: admin.cookieHeader() } })).json()) as Record<string, unknown>;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true });
    key = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    ana = (await h.t.db.select().from(members).where(eq(members.externalId, "PMS-10000")))[0]!;
  });
  afterAll(async () => h?.dispose());

  describe("happy path", () => {
    it("imports JSON invoices with an API key, exactly once", async () => {
      const body = {
        invoices: [
          {
            externalMemberId: "PMS-10000",
            invoiceId: "J-1",
            date: "2026-03-01",
            status: "paid",
            lines: [{ code: "CLEAN", amount: "150.00" }],
          },
          {
            externalMemberId: "PMS-10000",
            invoiceId: "J-2",
            date: "2026-03-02",
            status: "paid",
            lines: [{ code: "XRAY", amount: "50.00" }],
          },
        ],
      };
      const first = await (await postJson(body)).json();
      expect(first).toMatchObject({ imported: 2, skipped: 0, points: 20 });
      const again = await (await postJson(body)).json();
      expect(again).toMatchObject({ imported: 0, skipped: 2, points: 0 });
      expect(await balance()).toBe(20);
    });

    it("streams a CSV upload, reports bad rows by line number, imports the good ones, and voids by refund", async () => {
      const csv = [
        "member_id,invoice_id,date,status,code,amount",
        "PMS-10000,C-1,2026-03-05,paid,CLEAN,100.00",
        "PMS-10000,C-1,2026-03-05,paid,XRAY,20.00",
        "PMS-10000,C-2,2026-03-06,paid,CLEAN,abc",
        "NOBODY,C-3,2026-03-06,paid,CLEAN,10.00",
        "PMS-10001,C-4,2026-03-07,paid,CLEAN,40.00",
      ].join("\n");
      const res = await postCsv(csv);
      expect(res.status).toBe(200);
      const summary = (await res.json()) as { jobId: string; imported: number; errors: { row: number; message: string }[] };
      expect(summary.imported).toBe(2);
      expect(summary.errors.map((e) => e.row)).toEqual([4, 5]);
      expect(summary.errors[0]!.message).toMatch(/amount/);
      expect(summary.errors[1]!.message).toMatch(/unknown member NOBODY/);
      expect(await balance()).toBe(32);

      const progress = await importJob(summary.jobId);
      expect(progress).toMatchObject({ status: "done", processed: 5, total: 5 });

      expect(((await (await postCsv(csv)).json()) as { imported: number }).imported).toBe(0);
      expect(await balance()).toBe(32);

      await postCsv("member_id,invoice_id,date,status\nPMS-10000,C-1,2026-03-08,refunded");
      expect(await balance()).toBe(20);
    });

    it("answers a large upload at once with a job to poll for progress", async () => {
      const lines = ["member_id,invoice_id,date,code,amount"];
      for (let i = 0; i < 300; i++) lines.push(`PMS-1000${(i % 3) + 2},A-${i},2026-05-01,CLEAN,10.00`);
      const res = await postCsv(lines.join("\n"), {}, "?wait=false");
      expect(res.status).toBe(202);
      const { jobId, total } = (await res.json()) as { jobId: string; total: number };
      expect(total).toBe(300);
      let job: { status: string; processed: number } = { status: "pending", processed: 0 };
      for (let i = 0; i < 200 && (job.status === "pending" || job.status === "running"); i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = (await importJob(jobId)) as typeof job;
      }
      expect(job).toMatchObject({ status: "done", processed: 300 });
    });

    it("queues a CSV for the nightly run and the worker imports it", async () => {
      const res = await postCsv("member_id,invoice_id,date,code,amount\nPMS-10000,N-1,2026-03-09,CLEAN,30.00", {}, "?when=nightly");
      expect(res.status).toBe(202);
      const { jobId, runAt } = (await res.json()) as { jobId: string; runAt: string };
      // Queued in pg-boss for 02:00 practice time; a TALLY_JOBS=on worker would take it then.
      const boss = h.app.deps.jobs.boss;
      const [job] = await boss.fetch<ImportJobData>("import.nightly", { ignoreStartAfter: true, includeMetadata: true });
      expect(job).toMatchObject({ id: jobId, startAfter: new Date(runAt) });
      expect((await importJob(jobId)).status).toBe("pending");
      await runImportJob(job!, h.app.deps);
      await boss.complete("import.nightly", job!.id);
      expect((await importJob(jobId)).status).toBe("done");
      expect(await balance()).toBe(23);
    });
  });

  describe("errors", () => {
    it("refuses a body that is not an invoice list, and unsupported upload types", async () => {
      expect((await postJson({ nope: true })).status).toBe(400);
      expect((await postCsv("x", { "content-type": "application/json" })).status).toBe(415);
    });

    it("answers 404 for an unknown import, and for another practice's", async () => {
      for (const id of [crypto.randomUUID(), "not-an-id"]) {
        const res = await h.request(`/api/v1/imports/${id}`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(404);
        expect(await res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
      }
      const vet = await h.staff("admin", "paws-claws");
      const vetKey = (await vet.apiKeys.create.mutate({ name: "vet-404" })).key;
      const { jobId } = (await (await postCsv("member_id,invoice_id,date,code,amount\nPMS-10000,Z-1,2026-03-09,CLEAN,1.00")).json()) as {
        jobId: string;
      };
      expect((await h.request(`/api/v1/imports/${jobId}`, { headers: { authorization: `Bearer ${vetKey}` } })).status).toBe(404);
    });

    it("answers an unexpected error with 500, a request id and no SQL", async () => {
      await h.t.db.execute(sql`alter table jobs rename to jobs_away`);
      try {
        const res = await h.request(`/api/v1/imports/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(500);
        const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
        expect(body.error.code).toBe("INTERNAL_SERVER_ERROR");
        expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(body.error.message).toContain(body.error.requestId);
        expect(JSON.stringify(body)).not.toMatch(/select|jobs|params/i);
      } finally {
        await h.t.db.execute(sql`alter table jobs_away rename to jobs`);
      }
    });
  });

  describe("security", () => {
    it("needs a valid key or an admin session", async () => {
      expect((await postJson({ invoices: [{}] }, "tly_wrong")).status).toBe(401);
      const team = await h.staff("team_member");
      const res = await h.request("/api/v1/imports", {
        method: "POST",
        headers: { cookie: team.cookieHeader(), "content-type": "text/csv" },
        body: "a",
      });
      expect(res.status).toBe(403);
      expect((await h.request("/api/v1/imports", { method: "POST", headers: { "content-type": "text/csv" }, body: "a" })).status).toBe(401);
    });

    it("refuses a cross-site upload carrying the admin's cookie (CSRF)", async () => {
      const res = await postCsv("member_id,invoice_id,date,code,amount\nPMS-10000,X-1,2026-03-09,CLEAN,999.00", {
        origin: "https://evil.example",
      });
      expect(res.status).toBe(403);
      expect(await balance()).toBe(23);
    });

    it("keeps another practice's key away from this practice's members", async () => {
      const vet = await h.staff("admin", "paws-claws");
      const vetKey = (await vet.apiKeys.create.mutate({ name: "vet" })).key;
      const r = (await (
        await postJson(
          {
            invoices: [
              {
                externalMemberId: "PMS-10000",
                invoiceId: "V-1",
                date: "2026-03-01",
                status: "paid",
                lines: [{ code: "A", amount: "500" }],
              },
            ],
          },
          vetKey,
        )
      ).json()) as {
        imported: number;
        rowErrors: unknown[];
      };
      expect(r.imported).toBe(0);
      expect(r.rowErrors).toHaveLength(1);
      expect(await balance()).toBe(23);
    });
  });
});
