// CSRF defence for /trpc. Cookies are SameSite=Lax; on top of that, anything that can change
// state (POST) must be JSON — a cross-site HTML form cannot send application/json, and a
// cross-site fetch with it needs a CORS preflight this server never grants — and a browser's
// Origin (or Sec-Fetch-Site) must be this site. Server-to-server calls (the SvelteKit apps'
// loads and actions) send no Origin and pass. The host the Origin is compared with is the
// request's own; X-Forwarded-Host counts only from a proxy TRUST_PROXY names (`host`).
import type { Context, MiddlewareHandler } from "hono";

export function trpcCsrf(options: { allowedOrigins: string[]; publicUrl?: string; host: (c: Context) => string }): MiddlewareHandler {
  const allowed = new Set(options.allowedOrigins);
  if (options.publicUrl) allowed.add(new URL(options.publicUrl).origin);
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return c.json({ error: { message: "Mutations must be sent as application/json.", code: "UNSUPPORTED_MEDIA_TYPE" } }, 415);
    }
    const origin = c.req.header("origin");
    if (origin && origin !== "null") {
      const host = options.host(c);
      const sameHost = (() => {
        try {
          return new URL(origin).host === host;
        } catch {
          return false;
        }
      })();
      if (!sameHost && !allowed.has(origin)) return c.json({ error: { message: "Cross-site request refused.", code: "FORBIDDEN" } }, 403);
    } else if (origin === "null" || c.req.header("sec-fetch-site") === "cross-site") {
      return c.json({ error: { message: "Cross-site request refused.", code: "FORBIDDEN" } }, 403);
    }
    return next();
  };
}
