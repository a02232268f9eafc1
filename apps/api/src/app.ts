// The HTTP surface: tRPC at /trpc, health, and the few plain endpoints integrations need.
import type { Database } from "@tally/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "./logger.ts";
import { appRouter } from "./trpc/root.ts";

export function createApp({ database, log }: { database: Database; log: Logger }) {
  const app = new Hono();
  app.use("*", secureHeaders());

  app.get("/health", async (c) => {
    const ok = await database.ping();
    return c.json({ status: ok ? "ok" : "degraded", database: { kind: database.kind, reachable: ok } }, ok ? 200 : 503);
  });

  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router: appRouter,
      createContext: () => ({ database, log, req: c.req.raw }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, path }, "trpc error");
      },
    }),
  );

  app.get("/", (c) => c.redirect("/admin"));
  return app;
}
