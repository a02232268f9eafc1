// The HTTP surface: tRPC at /trpc, health, metrics, and the few plain endpoints integrations need.
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Database } from "@tally/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono, type Context as HonoContext } from "hono";
import { getCookie } from "hono/cookie";
import { secureHeaders } from "hono/secure-headers";
import { type ApiConfig, defaultConfig } from "./config.ts";
import { trpcCsrf } from "./http/csrf.ts";
import { integrationRoutes } from "./http/integrations.ts";
import { LiveBus } from "./live.ts";
import type { Logger } from "./logger.ts";
import { createMailer, type Mailer } from "./mail.ts";
import { Metrics, routeOf } from "./metrics.ts";
import { RateLimiter } from "./rate-limit.ts";
import { type AppDeps, createContext } from "./trpc/context.ts";
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

export function createApp(options: AppOptions) {
  const deps = createDeps(options);
  const { database, log, metrics, config } = deps;
  const app = new Hono();
  app.use("*", secureHeaders());
  app.use("*", async (c, next) => {
    const start = performance.now();
    await next();
    metrics.observeRequest(c.req.method, routeOf(c.req.path), c.res.status, (performance.now() - start) / 1000);
  });

  app.get("/health", async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? "ok" : "degraded", database: { kind: database.kind, reachable: ok } }, ok ? 200 : 503);
  });

  app.get("/metrics", (c) => c.text(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }));

  app.use("/trpc/*", trpcCsrf({ allowedOrigins: config.allowedOrigins, publicUrl: config.publicUrl }));
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      // tRPC's FormData/binary inputs are not used: mutations are JSON only (see trpcCsrf).
      createContext: ({ resHeaders }) =>
        createContext(deps, c.req.raw, resHeaders, getCookie(c), clientAddress(c), isSecure(c, config.secureCookies)),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, path }, "trpc error");
      },
    }),
  );

  app.route("/api/v1", integrationRoutes(deps));

  app.get("/", (c) => c.redirect("/admin"));
  return Object.assign(app, { deps });
}
