// Who calls the REST API: an API key (`Authorization: Bearer tly_...`) with its scopes and its own
// rate limit per minute (RateLimit and RateLimit-Policy headers, IETF draft), resolved once per
// request. A route names the scope it needs; a key without it gets 403 problem+json.
import { type ApiKeyPrincipal, type ApiKeyScope, type Ctx, DomainError, resolveApiKey } from "@tally/core";
import type { Context, MiddlewareHandler } from "hono";
import type { AppDeps } from "../trpc/context.ts";
import { problem } from "./problem.ts";

export type RestEnv = { Variables: { key: ApiKeyPrincipal; ctx: Ctx } };

const windowMs = 60_000;

/** Per-key fixed windows of one minute, in this process. */
export class KeyRateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  hit(keyId: string, limit: number, now = Date.now()) {
    let w = this.windows.get(keyId);
    if (!w || now - w.start >= windowMs) {
      if (this.windows.size > 10_000) for (const [k, x] of this.windows) if (now - x.start >= windowMs) this.windows.delete(k);
      w = { start: now, count: 0 };
      this.windows.set(keyId, w);
    }
    w.count++;
    return { allowed: w.count <= limit, remaining: Math.max(0, limit - w.count), reset: Math.ceil((w.start + windowMs - now) / 1000) };
  }
}

/** Resolves the bearer key (401 otherwise), counts the request against its limit (429 past it). */
export function apiKeyAuth(deps: AppDeps, limiter: KeyRateLimiter): MiddlewareHandler<RestEnv> {
  return async (c, next) => {
    const auth = c.req.header("authorization") ?? "";
    const token = auth.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : "";
    const { db } = deps.database;
    const key = token ? await resolveApiKey(db, token) : null;
    if (!key) {
      const res = problem(c, 401, "UNAUTHORIZED", "A valid API key is required (Authorization: Bearer tly_...).");
      res.headers.set("www-authenticate", "Bearer");
      return res;
    }
    const rate = limiter.hit(key.keyId, key.rateLimitPerMinute);
    c.header("RateLimit-Policy", `"per-key";q=${key.rateLimitPerMinute};w=60`);
    c.header("RateLimit", `"per-key";r=${rate.remaining};t=${rate.reset}`);
    if (!rate.allowed) {
      const res = problem(
        c,
        429,
        "RATE_LIMITED",
        `This key may send ${key.rateLimitPerMinute} requests a minute. Try again in ${rate.reset} s.`,
      );
      res.headers.set("retry-after", String(rate.reset));
      res.headers.set("RateLimit-Policy", `"per-key";q=${key.rateLimitPerMinute};w=60`);
      res.headers.set("RateLimit", `"per-key";r=0;t=${rate.reset}`);
      return res;
    }
    c.set("key", key);
    c.set("ctx", { db, practiceId: key.practiceId, actor: { kind: "integration", id: key.keyId } });
    await next();
  };
}

/** The acting context of a route that needs `scope`; FORBIDDEN (403) without it. */
export function scoped(c: Context<RestEnv>, scope: ApiKeyScope): Ctx {
  const key = c.get("key");
  if (!key.scopes.includes(scope)) throw new DomainError("FORBIDDEN", `This API key lacks the ${scope} scope.`, { scope });
  return c.get("ctx");
}
