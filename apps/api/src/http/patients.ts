// Patient endpoints under /api/v1 (issue 14):
//   PUT  /api/v1/members/:pmsId     upsert one patient by PMS id, API key only (JSON: firstName,
//                                   lastName, email, phone, birthDate, cardNumber, tags): 201 created,
//                                   200 updated or unchanged, 400 with the row rules' messages
//   POST /api/v1/patient-imports    stage a patient CSV (text/csv or multipart field "file"), admin
//                                   session or API key: its header, a preview and the guessed mapping;
//                                   the dry run, the import and its progress are tRPC
//                                   (patientImports.*), the rules are core's (members/import-patients.ts)
// The practice always comes from the key or the session, never from the request.
import { type Ctx, MAX_PATIENT_CSV, resolveApiKey, resolveStaffSession, stagePatientImport, upsertPatient } from "@tally/core";
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { errorResponse } from "../errors.ts";
import { type AppDeps, staffCookie } from "../trpc/context.ts";
import { limitBody, rejectionResponse, tooLargeRejection } from "./body-limits.ts";
import { requestHost } from "./client-address.ts";
import { crossSiteCheck } from "./csrf.ts";

const maxPatientJson = 64 * 1024;

const refuse = (c: HonoContext, status: 401 | 403, code: string, message: string) => c.json({ error: { code, message } }, status);

/** An API key's practice, or (when `allowStaff`) a signed-in admin's, as the acting context. */
async function callerOf(deps: AppDeps, c: HonoContext, allowStaff: boolean, what: string): Promise<Ctx | Response> {
  const { db } = deps.database;
  const auth = c.req.header("authorization") ?? "";
  if (auth.toLowerCase().startsWith("bearer ")) {
    const key = await resolveApiKey(db, auth.slice(7).trim());
    if (!key) return refuse(c, 401, "UNAUTHORIZED", "A valid API key is required.");
    if (!key.scopes.includes("members:write"))
      return c.json({ error: { code: "FORBIDDEN", message: "This API key lacks the members:write scope." } }, 403);
    return { db, practiceId: key.practiceId, actor: { kind: "integration", id: key.keyId } };
  }
  const token = allowStaff ? getCookie(c, staffCookie) : undefined;
  const staff = token ? await resolveStaffSession(db, token, deps.config.authPolicy) : null;
  if (!staff) return refuse(c, 401, "UNAUTHORIZED", allowStaff ? "Sign in or send an API key." : "A valid API key is required.");
  if (staff.actor.role !== "admin" || staff.mustChangePassword) return refuse(c, 403, "FORBIDDEN", `Only an admin can ${what}.`);
  return { db, practiceId: staff.practiceId, actor: staff.actor };
}

/** Cookie-authenticated uploads are the classic CSRF target: a browser's Origin must be ours. */
const crossSite = (c: HonoContext, deps: AppDeps) =>
  crossSiteCheck({
    allowedOrigins: deps.config.allowedOrigins,
    publicUrl: deps.config.publicUrl,
    host: (ctx) => requestHost(ctx, deps.config),
  })(c);

export function patientRoutes(deps: AppDeps) {
  const api = new Hono();
  api.onError((e, c) => errorResponse(c, e, deps.log));

  api.put(
    "/members/:pmsId",
    bodyLimit({ maxSize: maxPatientJson, onError: (c) => rejectionResponse(c, tooLargeRejection(maxPatientJson)) }),
    async (c) => {
      const ctx = await callerOf(deps, c, false, "update patients");
      if (ctx instanceof Response) return ctx;
      if (!(c.req.header("content-type") ?? "").startsWith("application/json"))
        return c.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send JSON." } }, 415);
      const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
      if (!body || typeof body !== "object" || Array.isArray(body))
        return c.json({ error: { code: "INVALID_INPUT", message: "Send the patient as a JSON object." } }, 400);
      if (body.pmsId !== undefined && body.pmsId !== c.req.param("pmsId"))
        return c.json({ error: { code: "INVALID_INPUT", message: "The body's pmsId differs from the one in the address." } }, 400);
      const result = await upsertPatient({ ctx, input: { ...body, pmsId: c.req.param("pmsId") } });
      return c.json(result, result.outcome === "created" ? 201 : 200);
    },
  );

  api.post("/patient-imports", limitBody({ maxBytes: Math.min(deps.config.maxUploadBytes, MAX_PATIENT_CSV), csv: true }), async (c) => {
    if (crossSite(c, deps)) return c.json({ error: { code: "FORBIDDEN", message: "Cross-site request refused." } }, 403);
    const ctx = await callerOf(deps, c, true, "import patients");
    if (ctx instanceof Response) return ctx;
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    let fileName = c.req.query("name") ?? "patients.csv";
    let csv: string;
    if (type === "text/csv" || type === "text/plain") csv = await c.req.text();
    else if (type === "multipart/form-data") {
      const file = (await c.req.formData()).get("file");
      if (!(file instanceof File)) return c.json({ error: { code: "INVALID_INPUT", message: 'Attach the CSV as the "file" field.' } }, 400);
      fileName = file.name || fileName;
      csv = await file.text();
    } else return c.json({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "Send text/csv or multipart/form-data." } }, 415);
    const staged = await stagePatientImport({ ctx, input: { fileName, csv } });
    return c.json(staged, 201);
  });

  return api;
}
