// Plain HTTP endpoints for practice-management integrations and uploads:
//   POST /api/v1/invoices      JSON invoices, `Authorization: Bearer tly_...` (API key per practice)
//   POST /api/v1/imports       CSV upload (text/csv or multipart field "file"), staff admin session
//                              or API key: 202 {jobId} then poll; `?wait=true` answers with the
//                              summary; `?when=nightly` queues it for 02:00 practice time
//   GET  /api/v1/imports/:id   progress and result of an import job
// The practice always comes from the key or the session, never from the request body.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  addDays,
  type Ctx,
  getImportJob,
  getPractice,
  importInvoices,
  importJobQueue,
  localDate,
  resolveApiKey,
  resolveStaffSession,
  startOfLocalDay,
} from "@tally/core";
import { jobs } from "@tally/db";
import { Hono, type Context as HonoContext } from "hono";
import { getCookie } from "hono/cookie";
import { errorResponse } from "../errors.ts";
import { importOutcome } from "../jobs/import-job.ts";
import { PermanentJobError } from "../jobs/runtime.ts";
import { type AppDeps, staffCookie } from "../trpc/context.ts";
import { requestHost } from "./client-address.ts";
import { crossSiteCheck } from "./csrf.ts";
import { patientRoutes } from "./patients.ts";

const maxInvoicesPerRequest = 50_000;

type Caller = { ctx: Ctx; via: "apiKey" | "staff" };

async function callerOf(deps: AppDeps, c: HonoContext, allowStaff: boolean): Promise<Caller | Response> {
  const { db } = deps.database;
  const auth = c.req.header("authorization") ?? "";
  if (auth.toLowerCase().startsWith("bearer ")) {
    const key = await resolveApiKey(db, auth.slice(7).trim());
    if (!key) return c.json({ error: { code: "UNAUTHORIZED", message: "A valid API key is required." } }, 401);
    if (!key.scopes.includes("invoices:write"))
      return c.json({ error: { code: "FORBIDDEN", message: "This API key lacks the invoices:write scope." } }, 403);
    return { via: "apiKey", ctx: { db, practiceId: key.practiceId, actor: { kind: "integration", id: key.keyId } } };
  }
  const token = allowStaff ? getCookie(c, staffCookie) : undefined;
  const staff = token ? await resolveStaffSession(db, token, deps.config.authPolicy) : null;
  if (!staff)
    return c.json(
      { error: { code: "UNAUTHORIZED", message: allowStaff ? "Sign in or send an API key." : "A valid API key is required." } },
      401,
    );
  if (staff.actor.role !== "admin" || staff.mustChangePassword)
    return c.json({ error: { code: "FORBIDDEN", message: "Only an admin can import invoices." } }, 403);
  return { via: "staff", ctx: { db, practiceId: staff.practiceId, actor: staff.actor } };
}

/** Cookie-authenticated uploads are the classic CSRF target: a browser's Origin must be ours. */
const crossSite = (c: HonoContext, deps: AppDeps) =>
  crossSiteCheck({
    allowedOrigins: deps.config.allowedOrigins,
    publicUrl: deps.config.publicUrl,
    host: (ctx) => requestHost(ctx, deps.config),
  })(c);

export function integrationRoutes(deps: AppDeps) {
  const api = new Hono();
  // Whatever a handler throws answers like a tRPC error would (errors.ts): a domain error with its
  // status (404, 423, 429, ...), an unexpected one a generic 500 with a request id.
  api.onError((e, c) => errorResponse(c, e, deps.log));

  api.post("/invoices", async (c) => {
    const caller = await callerOf(deps, c, false);
    if (caller instanceof Response) return caller;
    if (!(c.req.header("content-type") ?? "").startsWith("application/json"))
      return c.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send JSON." } }, 415);
    // Rows are validated one by one by the verb (bad rows reported, good rows imported); only the
    // envelope is checked here.
    const body = (await c.req.json().catch(() => null)) as { invoices?: unknown } | null;
    if (!body || !Array.isArray(body.invoices) || body.invoices.length === 0 || body.invoices.length > maxInvoicesPerRequest) {
      return c.json({ error: { code: "INVALID_INPUT", message: 'Send {"invoices": [...]} with 1 to 50,000 invoices.' } }, 400);
    }
    const result = await importInvoices({ ctx: caller.ctx, input: body.invoices, source: "api" });
    deps.metrics.inc("tally_import_rows_total", "Invoice rows received by imports.", body.invoices.length);
    deps.metrics.inc("tally_events_processed_total", "Events recorded and evaluated (check-ins, imports, staff).", result.imported);
    return c.json(result);
  });

  api.post("/imports", async (c) => {
    if (crossSite(c, deps)) return c.json({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } }, 403);
    const caller = await callerOf(deps, c, true);
    if (caller instanceof Response) return caller;
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const nightly = c.req.query("when") === "nightly";
    let stream: Readable;
    if (type === "text/csv" || type === "text/plain") {
      if (!c.req.raw.body) return c.json({ error: { code: "INVALID_INPUT", message: "The CSV is empty." } }, 400);
      stream = nightly ? Readable.from([await c.req.text()]) : Readable.fromWeb(c.req.raw.body as never);
    } else if (type === "multipart/form-data") {
      // The platform buffers multipart bodies; send text/csv to stream very large files.
      const file = (await c.req.formData()).get("file");
      if (!(file instanceof File)) return c.json({ error: { code: "INVALID_INPUT", message: 'Attach the CSV as the "file" field.' } }, 400);
      stream = nightly ? Readable.from([await file.text()]) : Readable.fromWeb(file.stream() as never);
    } else {
      return c.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send text/csv or multipart/form-data." } }, 415);
    }

    const { db } = deps.database;
    // pg-boss must be up before a transaction sends through it (PGlite: one connection).
    await deps.jobs.start();
    const jobId = randomUUID();
    const record = { id: jobId, practiceId: caller.ctx.practiceId, queue: importJobQueue, status: "pending" as const };
    const data = { practiceId: caller.ctx.practiceId, actor: caller.ctx.actor };
    if (nightly) {
      const tz = (await getPractice({ ctx: caller.ctx })).timezone;
      // 02:00 local tonight: after the day's invoices are closed in the practice-management system.
      const runAt = new Date(startOfLocalDay(addDays(localDate(new Date(), tz), 1), tz).getTime() + 2 * 3_600_000);
      const csv = (await stream.toArray()).join("");
      // The record and the job commit together (or not at all).
      await db.transaction(async (tx) => {
        await tx.insert(jobs).values({ ...record, runAt, payload: { nightly: true } });
        await deps.jobs.send(tx, "import.nightly", { ...data, csv }, { id: jobId, startAfter: runAt });
      });
      return c.json({ jobId, status: "pending", runAt }, 202);
    }

    // The upload is spooled to a file at disk speed (counting its rows for progress), then a job
    // imports it from there (any API process on this machine, TALLY_JOBS=off included): a long
    // import never holds the upload open, and the admin app polls the job for processed / total.
    // `?wait=true` answers with the summary instead.
    const file = deps.jobs.spoolFile(jobId);
    let lines = 0;
    let endsWithNewline = true;
    const countLines = new Transform({
      transform(chunk: Buffer, _enc, done) {
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        if (chunk.length > 0) endsWithNewline = chunk[chunk.length - 1] === 10;
        done(null, chunk);
      },
    });
    let total = 0;
    try {
      await pipeline(stream, countLines, createWriteStream(file));
      total = Math.max(0, lines + (endsWithNewline ? 0 : 1) - 1);
      await db.transaction(async (tx) => {
        await tx.insert(jobs).values({ ...record, total, payload: { upload: true } });
        await deps.jobs.send(tx, "import.upload", { ...data, file }, { id: jobId });
      });
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    if (c.req.query("wait") !== "true") return c.json({ jobId, status: "pending", total }, 202);
    const outcome = await deps.jobs.waitFor(jobId, () => importOutcome(db, jobId));
    if (outcome.status === "failed") {
      const error = outcome.error instanceof PermanentJobError && outcome.error.original ? outcome.error.original : outcome.error;
      return errorResponse(c, error, deps.log);
    }
    return c.json({ jobId, status: "done", ...(outcome.result as object) });
  });

  api.get("/imports/:id", async (c) => {
    const caller = await callerOf(deps, c, true);
    if (caller instanceof Response) return caller;
    const job = await getImportJob({ ctx: caller.ctx, input: { id: c.req.param("id") } });
    return c.json(job);
  });

  // Patients: the upsert by PMS id and the CSV staging (http/patients.ts).
  api.route("/", patientRoutes(deps));

  return api;
}
