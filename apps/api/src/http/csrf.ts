// CSRF defence for /trpc. Cookies are SameSite=Lax; on top of that, anything that can change
// state (POST) must be JSON — a cross-site HTML form cannot send application/json, and a
// cross-site fetch with it needs a CORS preflight this server never grants — and a browser's
// Origin (or Sec-Fetch-Site) must be this site. Server-to-server calls (the SvelteKit apps'
// loads and actions) send no Origin and pass. The host the Origin is compared with is the
// request's own; X-Forwarded-Host counts only from a proxy TRUST_PROXY names (`host`).
import type { Context, MiddlewareHandler } from "hono";

export interface SiteOptions {
  allowedOrigins: string[];
  publicUrl?: string;
  /** The request's own host (X-Forwarded-Host only from a proxy TRUST_PROXY names). */
  host: (c: Context) => string;
}

/**
 * Whether a browser sent this request from another site's page: an Origin that is neither this
 * host nor an allowed origin, a "null" Origin, or Sec-Fetch-Site: cross-site. Server-to-server
 * calls send no Origin and pass. The one check for /trpc and the cookie-authenticated uploads.
 */
export function crossSiteCheck(options: SiteOptions): (c: Context) => boolean {
  const allowed = new Set(options.allowedOrigins);
  if (options.publicUrl) allowed.add(new URL(options.publicUrl).origin);
  return (c) => {
    const origin = c.req.header("origin");
    if (origin === "null" || c.req.header("sec-fetch-site") === "cross-site") return true;
    if (!origin) return false;
    try {
      return new URL(origin).host !== options.host(c) && !allowed.has(origin);
    } catch {
      return true;
    }
  };
}

export function trpcCsrf(options: SiteOptions): MiddlewareHandler {
  const crossSite = crossSiteCheck(options);
  return async (c, next) => {
    if (c.req.method !== "POST") return next();
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return c.json({ error: { message: "Mutations must be sent as application/json.", code: "UNSUPPORTED_MEDIA_TYPE" } }, 415);
    }
    if (crossSite(c)) return c.json({ error: { message: "Cross-site request refused.", code: "FORBIDDEN" } }, 403);
    return next();
  };
}
