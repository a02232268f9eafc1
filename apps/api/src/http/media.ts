// Images the product serves itself (no external image hosts): GET /media/logo/:practiceId answers
// a practice's resized logo from the database. URLs carry a version (?v=), so the answer is cached
// for a year; a new upload gets a new URL.
import { getLogo } from "@tally/core";
import { Hono } from "hono";
import type { AppDeps } from "../trpc/context.ts";

export function mediaRoutes(deps: AppDeps) {
  const routes = new Hono();
  routes.get("/logo/:practiceId", async (c) => {
    const logo = await getLogo(deps.database.db, c.req.param("practiceId"));
    if (!logo) return c.json({ error: { code: "NOT_FOUND", message: "This practice has no logo." } }, 404);
    return c.body(new Uint8Array(logo.data), 200, {
      "content-type": logo.contentType,
      "cache-control": c.req.query("v") ? "public, max-age=31536000, immutable" : "public, max-age=300",
      "last-modified": logo.updatedAt.toUTCString(),
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    });
  });
  return routes;
}
