// The HTTP surface: tRPC at /trpc, health, metrics, and the few plain endpoints integrations need.
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Database } from "@tally/db";
import { Hono, type Context as HonoContext } from "hono";
import { type ApiConfig, defaultConfig } from "./config.ts";
import { requestIdOf } from "./errors.ts";
import { trpcCsrf } from "./http/csrf.ts";
import { integrationRoutes } from "./http/integrations.ts";
import { LiveBus } from "./live.ts";
import type { Logger } from "./logger.ts";
import { createMailer, type Mailer } from "./mail.ts";
import { Metrics, routeOf } from "./metrics.ts";
import { RateLimiter } from "./rate-limit.ts";
import { type AppDeps, createContext } from "./trpc/context.ts";
import { secured, securityHeaders, trpcHandler } from "./trpc/http.ts";
import { appRouter } from "./trpc/root.ts";

export interface AppOptions {
  database: Database;
  log: Logger;
  config?: Partial<ApiConfig>;
  bus?: LiveBus;
  mailer?: Mailer;
  metrics?: Metrics;
}

export function createDeps(options: AppOptions): AppDeps {
  return {
    database: options.database,
    log: options.log,
    config: { ...defaultConfig, ...options.config },
    bus: options.bus ?? new LiveBus(),
    limiter: new RateLimiter(),
    metrics: options.metrics ?? new Metrics(),
    mailer: options.mailer ?? createMailer(options.database.db, { from: "Tally <no-reply@tally.local>" }),
  };
}

const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** The client's address; X-Forwarded-For is believed only from loopback (the SvelteKit apps). */
export function clientAddress(c: HonoContext): string {
  let remote = "local";
  try {
    remote = getConnInfo(c).remote.address ?? "local";
  } catch {
    // app.request() in tests has no socket.
  }
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded && (remote === "local" || loopback.has(remote)) ? forwarded : remote;
}

export function isSecure(c: HonoContext, setting: ApiConfig["secureCookies"]): boolean {
  if (setting !== "auto") return setting;
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

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

export function createApp(options: AppOptions) {
  const deps = createDeps(options);
  const { database, log, metrics, config } = deps;
  const app = new Hono();
  // One middleware for every response: latency metrics and the security headers (the fast tRPC
  // path writes those itself, see trpc/http.ts).
  app.use("*", async (c, next) => {
    const start = performance.now();
    await next();
    const res = c.res;
    if (!secured.has(res)) {
      const headers = res.headers;
      for (const name in securityHeaders) headers.set(name, securityHeaders[name]!);
      headers.delete("x-powered-by");
    }
    metrics.observeRequest(c.req.method, routeOf(c.req.path), res.status, (performance.now() - start) / 1000);
  });

  app.get("/health", async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? "ok" : "degraded", database: { kind: database.kind, reachable: ok } }, ok ? 200 : 503);
  });

  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));

  // Only POST can change state (queries are GET): the check runs for POST only.
  app.on("POST", "/trpc/*", trpcCsrf({ allowedOrigins: config.allowedOrigins, publicUrl: config.publicUrl }));
  app.all(
    "/trpc/*",
    trpcHandler({
      endpoint: "/trpc",
      router: appRouter,
      // tRPC's FormData/binary inputs are not used: mutations are JSON only (see trpcCsrf).
      createContext: (c, resHeaders) =>
        createContext(
          deps,
          c.req.raw,
          resHeaders,
          (name) => cookieValue(c.req.header("cookie"), name),
          () => clientAddress(c),
          () => isSecure(c, config.secureCookies),
        ),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, path, requestId: requestIdOf(error) }, "trpc error");
      },
    }),
  );

  app.route("/api/v1", integrationRoutes(deps));

  app.get("/", (c) => c.redirect("/admin"));
  return Object.assign(app, { deps });
}
