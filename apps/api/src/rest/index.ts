// The public REST API v1 under /api/v1: the routes (routes.ts), the OpenAPI 3.1 document at
// /api/v1/openapi.json and its reference page at /api/v1/docs (Scalar, served from the package's
// own files). The older plain endpoints (POST /invoices, /imports, PUT /members/{pmsId},
// /patient-imports) keep their handlers and answers (http/integrations.ts) and are described here.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { apiKeyScopeLabels, apiKeyScopes } from "@tally/core";
import type { AppDeps } from "../trpc/context.ts";
import { apiKeyAuth, KeyRateLimiter, type RestEnv } from "./keys.ts";
import { fieldErrors, problem, problemOf } from "./problem.ts";
import { registerRoutes } from "./routes.ts";
import { ImportResultSchema, InvoiceSchema, MemberInputSchema, ProblemSchema, UpsertResultSchema } from "./schemas.ts";

export const docsCsp =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const docsHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tally API reference</title></head>
<body>
<script id="api-reference" data-url="/api/v1/openapi.json" data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"telemetry":false}'></script>
<script src="/api/v1/docs/scalar.js"></script>
</body>
</html>`;

let scalarScript: Promise<Buffer> | undefined;
const loadScalar = () => {
  scalarScript ??= readFile(join(dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")), "browser", "standalone.js"));
  return scalarScript;
};

export function restApi(deps: AppDeps) {
  const api = new OpenAPIHono<RestEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = fieldErrors(result.error.issues);
        return problem(c, 400, "INVALID_INPUT", errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; "), { errors });
      }
    },
  });
  api.onError((e, c) => problemOf(c, e, deps.log));
  registerRoutes(api, apiKeyAuth(deps, new KeyRateLimiter()));

  api.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: `An API key an admin created in Settings → API keys (\`tly_...\`). Scopes: ${apiKeyScopes.map((s) => `\`${s}\` (${apiKeyScopeLabels[s]})`).join(", ")}.`,
  });
  describePlainEndpoints(api);

  api.get("/openapi.json", (c) => c.json(openApiDocument(api)));
  api.get("/docs", (c) => c.html(docsHtml, 200, { "content-security-policy": docsCsp }));
  api.get("/docs/scalar.js", async (c) =>
    c.body(new Uint8Array(await loadScalar()), 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=86400",
    }),
  );
  return api;
}

/** The OpenAPI 3.1 document of the API (served at /api/v1/openapi.json). */
export function openApiDocument(api: OpenAPIHono<RestEnv>) {
  return api.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Tally API",
      version: "1.0.0",
      description:
        "Members, invoices, events, points, rewards, coupons and webhooks of one practice, chosen by the API key. Errors are RFC 9457 problem details with the same `code` as the app's API; lists are paged with an opaque `cursor`; reads carry an ETag.",
    },
    servers: [{ url: "/api/v1" }],
  });
}

/** The plain endpoints (their own handlers, error shape `{ error: { code, message } }`) in the document. */
function describePlainEndpoints(api: OpenAPIHono<RestEnv>) {
  const legacyError = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi("LegacyError");
  const errors = {
    400: { description: "Bad input", content: { "application/json": { schema: legacyError } } },
    401: { description: "No valid API key", content: { "application/json": { schema: legacyError } } },
    403: { description: "The key lacks the scope", content: { "application/json": { schema: legacyError } } },
  };
  api.openAPIRegistry.registerPath({
    method: "post",
    path: "/invoices",
    tags: ["Invoices"],
    summary: "Post invoices, paid or voided, 1 to 50,000 in one call",
    description:
      "Each invoice is recorded once per `invoiceId` (sending it again changes nothing); a voided one reverses its points. Bad rows are reported in `errors`, good ones imported.",
    security: [{ apiKey: ["invoices:write"] }],
    "x-scope": "invoices:write",
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ invoices: z.array(InvoiceSchema).min(1).max(50_000) }) } },
      },
    },
    responses: { 200: { description: "Imported", content: { "application/json": { schema: ImportResultSchema } } }, ...errors },
  } as never);
  api.openAPIRegistry.registerPath({
    method: "post",
    path: "/imports",
    tags: ["Invoices"],
    summary: "Upload an invoice CSV (202 with a job id; ?wait=true for the summary; ?when=nightly for 02:00)",
    security: [{ apiKey: ["invoices:write"] }],
    "x-scope": "invoices:write",
    request: {
      query: z.object({ wait: z.enum(["true"]).optional(), when: z.enum(["nightly"]).optional() }),
      body: { required: true, content: { "text/csv": { schema: z.string() } } },
    },
    responses: {
      202: {
        description: "Queued",
        content: { "application/json": { schema: z.object({ jobId: z.string(), status: z.string() }).passthrough() } },
      },
      ...errors,
    },
  } as never);
  api.openAPIRegistry.registerPath({
    method: "get",
    path: "/imports/{id}",
    tags: ["Invoices"],
    summary: "An import job's progress and result",
    security: [{ apiKey: ["invoices:write"] }],
    "x-scope": "invoices:write",
    request: { params: z.object({ id: z.uuid() }) },
    responses: { 200: { description: "The job", content: { "application/json": { schema: z.object({}).passthrough() } } }, ...errors },
  } as never);
  api.openAPIRegistry.registerPath({
    method: "put",
    path: "/members/{pmsId}",
    tags: ["Members"],
    summary: "Create or update a member by the practice-management system's patient id",
    security: [{ apiKey: ["members:write"] }],
    "x-scope": "members:write",
    request: {
      params: z.object({ pmsId: z.string() }),
      body: { required: true, content: { "application/json": { schema: MemberInputSchema } } },
    },
    responses: {
      200: { description: "Updated or unchanged", content: { "application/json": { schema: UpsertResultSchema } } },
      201: { description: "Created", content: { "application/json": { schema: UpsertResultSchema } } },
      ...errors,
    },
  } as never);
  api.openAPIRegistry.registerPath({
    method: "post",
    path: "/patient-imports",
    tags: ["Members"],
    summary: "Stage a patient CSV (header, preview and guessed mapping; the import itself runs in the admin app)",
    security: [{ apiKey: ["members:write"] }],
    "x-scope": "members:write",
    request: { body: { required: true, content: { "text/csv": { schema: z.string() } } } },
    responses: { 201: { description: "Staged", content: { "application/json": { schema: z.object({}).passthrough() } } }, ...errors },
  } as never);
  void ProblemSchema;
}
