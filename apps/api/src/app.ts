// The HTTP surface: tRPC at /trpc, health, metrics, and the few plain endpoints integrations need.
import { randomUUID, timingSafeEqual } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@tally/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type ApiConfig, defaultConfig } from "./config.ts";
import { requestIdOf } from "./errors.ts";
import { limitBody, rejectionResponse, tooLargeRejection } from "./http/body-limits.ts";
import { clientAddress, type InProcessEnv, isSecure, ProxyTrust, requestHost } from "./http/client-address.ts";
import { trpcCsrf } from "./http/csrf.ts";
import { integrationRoutes } from "./http/integrations.ts";
import { mediaRoutes } from "./http/media.ts";
import { jobDefinitions } from "./jobs/handlers.ts";
import { createJobs, type JobsConfig } from "./jobs/runtime.ts";
import { LiveBus } from "./live.ts";
import type { Logger } from "./logger.ts";
import { createMailer, type Mailer } from "./mail.ts";
import { bounceHookRoutes } from "./messages/bounce-hook.ts";
import { messageRoutes } from "./messages/routes.ts";
import { Metrics, routeOf } from "./metrics.ts";
import { RateLimiter } from "./rate-limit.ts";
import { restApi } from "./rest/index.ts";
import { type AppDeps, createContext } from "./trpc/context.ts";
import { appRouter } from "./trpc/root.ts";
import { logoUploadJsonBytes } from "./trpc/routers/practice.ts";

export interface AppOptions {
  database: Database;
  log: Logger;
  config?: Partial<ApiConfig>;
  bus?: LiveBus;
  mailer?: Mailer;
  metrics?: Metrics;
  /** Background jobs: TALLY_JOBS (`background`), the spool folder, test overrides. By default no
   *  background work (uploads and dead letters only) and a fresh spool folder. */
  jobs?: Partial<JobsConfig>;
}

export function createDeps(options: AppOptions): AppDeps {
  const deps: AppDeps = {
    database: options.database,
    log: options.log,
    config: { ...defaultConfig, ...options.config },
    bus: options.bus ?? new LiveBus(options.database),
    limiter: new RateLimiter(),
    metrics: options.metrics ?? new Metrics(),
    mailer: options.mailer ?? createMailer(options.database.db, { from: "Tally <no-reply@tally.local>" }),
    jobs: undefined as never,
  };
  deps.jobs = createJobs(() => deps, {
    definitions: jobDefinitions,
    background: false,
    spoolDir: join(tmpdir(), `tally-spool-${randomUUID()}`),
    exclusive: true,
    ...options.jobs,
  });
  return deps;
}

/** Hands a Request to the app in process, on behalf of the browser at `clientAddress`. A form
 *  (an upload) is serialised first: undici's multipart stream fails with an unhandled rejection
 *  when its reader stops early, as a refused upload's does. */
export const inProcessFetch =
  (app: { fetch(request: Request, env: InProcessEnv): Response | Promise<Response> }) =>
  async (request: Request, clientAddress?: string): Promise<Response> => {
    if (request.body && request.headers.get("content-type")?.startsWith("multipart/form-data")) {
      const body = await request.arrayBuffer();
      request = new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal });
    }
    return app.fetch(request, { tallyClientAddress: clientAddress || "local" });
  };

/** One cookie's value from a Cookie header (what a session lookup needs, without parsing the rest). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let at = 0;
  while (at < header.length) {
    const end = header.indexOf(";", at);
    const part = header.slice(at, end < 0 ? undefined : end);
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
    if (end < 0) break;
    at = end + 1;
  }
  return undefined;
}

/**
 * The headers every response of this server carries. It serves only JSON and text (the apps'
 * HTML comes from SvelteKit, which sets its own), so this is OWASP's set for REST responses:
 * never cached (balances and profiles are personal), never sniffed, framed or downgraded.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "content-security-policy": "frame-ancestors 'none'",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

/** Constant-time comparison of two secrets. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createApp(options: AppOptions) {
  const deps = createDeps(options);
  const { database, log, metrics, config } = deps;
  const app = new Hono();
  // One middleware for every response: latency metrics and the security headers.
  app.use("*", async (c, next) => {
    const start = performance.now();
    await next();
    const headers = c.res.headers;
    // Served images (/media) and the API reference page keep their own caching and CSP; everything else gets these.
    const own = c.req.path.startsWith("/media/") || c.req.path.startsWith("/api/v1/docs");
    for (const name in securityHeaders) if (!(own && headers.has(name))) headers.set(name, securityHeaders[name]!);
    headers.delete("x-powered-by");
    metrics.observeRequest(c.req.method, routeOf(c.req.path), c.res.status, (performance.now() - start) / 1000);
  });

  app.get("/health", async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? "ok" : "degraded", database: { kind: database.kind, reachable: ok } }, ok ? 200 : 503);
  });

  // Metrics name routes and volumes: only for the bearer of METRICS_TOKEN or an address in
  // METRICS_ALLOW. Neither configured: nobody.
  const metricsAllow = new ProxyTrust(config.metrics.allow);
  app.get("/metrics", (c) => {
    const { token } = config.metrics;
    const auth = c.req.header("authorization") ?? "";
    const bearer = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : undefined;
    const allowed =
      (token !== undefined && bearer !== undefined && sameSecret(bearer, token)) || metricsAllow.trusts(clientAddress(c, config));
    if (!allowed) {
      const message = token ? "Send the metrics token (Authorization: Bearer ...)." : "Metrics are not available from this address.";
      return c.json(
        { error: { code: token ? "UNAUTHORIZED" : "FORBIDDEN", message } },
        token ? 401 : 403,
        token ? { "www-authenticate": "Bearer" } : {},
      );
    }
    return c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" });
  });

  // Only POST can change state (queries are GET): the check runs for POST only. Calls are small:
  // a body is refused before it is parsed when it is larger than maxJsonBytes.
  // The one larger call is a logo upload (base64 of up to 5 MB).
  const jsonLimit = bodyLimit({
    maxSize: config.maxJsonBytes,
    onError: (c) => rejectionResponse(c, tooLargeRejection(config.maxJsonBytes)),
  });
  const logoLimit = bodyLimit({
    maxSize: logoUploadJsonBytes,
    onError: (c) => rejectionResponse(c, tooLargeRejection(logoUploadJsonBytes)),
  });
  app.on(
    "POST",
    "/trpc/*",
    (c, next) => {
      const limit = c.req.path === "/trpc/practice.setLogo" ? logoLimit : jsonLimit;
      // A declared length is checked as it stands (the body stays untouched for tRPC to read);
      // only a chunked body is counted as it streams.
      const length = c.req.header("content-length");
      if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
        const max = limit === logoLimit ? logoUploadJsonBytes : config.maxJsonBytes;
        return Number(length) > max ? rejectionResponse(c, tooLargeRejection(max)) : next();
      }
      return limit(c, next);
    },
    trpcCsrf({ allowedOrigins: config.allowedOrigins, publicUrl: config.publicUrl, host: (c) => requestHost(c, config) }),
  );
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      // tRPC's FormData/binary inputs are not used: mutations are JSON only (see trpcCsrf).
      createContext: ({ resHeaders }) =>
        createContext(
          deps,
          c.req.raw,
          resHeaders,
          (name) => cookieValue(c.req.header("cookie"), name),
          () => clientAddress(c, config),
          () => isSecure(c, config),
        ),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, path, requestId: requestIdOf(error) }, "trpc error");
      },
    }),
  );

  // Uploads are streamed: limitBody counts them as the endpoint reads (see http/body-limits.ts).
  app.post("/api/v1/invoices", limitBody({ maxBytes: config.maxUploadBytes }));
  app.post("/api/v1/imports", limitBody({ maxBytes: config.maxUploadBytes, csv: true }));
  // The REST API v1 (OpenAPI routes, problem+json), then the plain endpoints it documents.
  app.route("/api/v1", restApi(deps));
  app.route("/api/v1", integrationRoutes(deps));

  app.route("/media", mediaRoutes(deps));
  // One-click unsubscribe (RFC 8058) and Twilio's callbacks: no session, each proves itself.
  app.route("/messages", messageRoutes(deps));
  // The mail relay's bounce reports (EMAIL_BOUNCE_SECRET): no session, signed.
  app.route("/api/hooks", bounceHookRoutes(deps));

  app.get("/", (c) => c.redirect("/admin"));
  return Object.assign(app, { deps });
}
