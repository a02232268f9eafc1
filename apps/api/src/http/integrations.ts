// Plain HTTP endpoints for practice-management integrations (filled in with the import work).
import { Hono } from "hono";
import type { AppDeps } from "../trpc/context.ts";

export function integrationRoutes(_deps: AppDeps) {
  const api = new Hono();
  return api;
}
