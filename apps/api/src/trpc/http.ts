// tRPC over Hono. Single (unbatched) queries and mutations, which is what the kiosk, the portal's
// live calls and integrations send, are answered directly: the procedure is called with the raw
// input and the JSON written with plain headers, so no fetch Request or Response object is built
// (on Node that conversion costs more than the rest of a cached lookup). Everything else (batches,
// subscriptions over SSE, streaming, a wrong method) goes through tRPC's own fetch adapter, which
// also defines the wire format the fast path reproduces: `{"result":{"data":…}}` or
// `{"error":{…}}` with the status of the error's code.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import {
  type AnyProcedure,
  type AnyRouter,
  getErrorShape,
  getHTTPStatusCodeFromError,
  getTRPCErrorFromUnknown,
  middlewareMarker,
  TRPCError,
} from "@trpc/server/unstable-core-do-not-import";
import type { Context as HonoContext } from "hono";

/**
 * The headers every response of this server carries. It serves only JSON and text (the apps'
 * HTML comes from SvelteKit, which sets its own), so this is OWASP's set for REST responses:
 * never cached (balances and profiles are personal), never sniffed, framed or downgraded.
 * Each header costs Node a few microseconds to validate and write, so the set stays short.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "content-security-policy": "frame-ancestors 'none'",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

const jsonHeaders: Readonly<Record<string, string>> = { ...securityHeaders, "content-type": "application/json" };

/** Responses that already carry securityHeaders (the middleware leaves them alone). */
export const secured = new WeakSet<Response>();

export interface TrpcHandlerOptions<TRouter extends AnyRouter, TContext> {
  router: TRouter;
  endpoint: string;
  createContext: (c: HonoContext, resHeaders: { append(name: string, value: string): void }) => TContext | Promise<TContext>;
  onError?: (opts: { error: TRPCError; path: string | undefined }) => void;
}

export function trpcHandler<TRouter extends AnyRouter, TContext>(options: TrpcHandlerOptions<TRouter, TContext>) {
  const { router, endpoint } = options;
  const config = router._def._config;
  const prefix = `${endpoint}/`;

  const slow = (c: HonoContext) =>
    fetchRequestHandler({
      endpoint,
      req: c.req.raw,
      router,
      createContext: ({ resHeaders }) => options.createContext(c, resHeaders) as never,
      onError: ({ error, path }) => options.onError?.({ error, path }),
    });

  return async (c: HonoContext): Promise<Response> => {
    const method = c.req.method;
    const url = c.req.url;
    const q = url.indexOf("?");
    const path = decodeURIComponent(url.slice(url.indexOf(prefix, url.indexOf("//") + 2) + prefix.length, q < 0 ? undefined : q));
    const params = q < 0 ? undefined : queryParams(url.slice(q + 1));
    const simple =
      (method === "GET" || method === "POST") &&
      path.length > 0 &&
      !path.includes(",") &&
      params?.batch === undefined &&
      c.req.header("trpc-accept") === undefined;
    // Routers here are plain (not lazy), so the flat record of procedures has every path.
    const procedure = simple ? ((router._def.procedures as Record<string, AnyProcedure | undefined>)[path] ?? null) : null;
    const type = procedure?._def.type;
    if (!procedure || !((type === "query" && method === "GET") || (type === "mutation" && method === "POST"))) return slow(c);

    const resHeaders = new AddedHeaders();
    let input: unknown;
    let ctx: TContext | undefined;
    try {
      const raw = method === "GET" ? params?.input : await c.req.text();
      try {
        input = raw == null || raw === "" ? undefined : JSON.parse(raw);
      } catch (cause) {
        throw new TRPCError({ code: "PARSE_ERROR", message: "The input is not valid JSON.", cause });
      }
      ctx = await options.createContext(c, resHeaders);
      const data = await call(procedure, { path, getRawInput: async () => input, ctx, type, signal: undefined, batchIndex: 0 });
      return respond(JSON.stringify({ result: { data } }), 200, resHeaders);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError?.({ error, path });
      const shape = getErrorShape({ config, ctx, error, input, path, type });
      return respond(JSON.stringify({ error: shape }), getHTTPStatusCodeFromError(error), resHeaders);
    }
  };
}

// What calling `procedure(opts)` does in tRPC 11 (createProcedureCaller and callRecursive in
// @trpc/server), with native object spreads: tRPC's compiled helper copies each property with
// Object.defineProperty, two options objects per middleware level, which was a tenth of the CPU
// time of a cached lookup. Same middleware order, options, context merging and error results.
interface CallOptions {
  path: string;
  getRawInput: () => Promise<unknown>;
  ctx: unknown;
  type: string;
  signal: AbortSignal | undefined;
  batchIndex: number;
  input?: unknown;
}
type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Middleware = (opts: Record<string, unknown>) => Promise<MiddlewareResult>;

async function call(procedure: AnyProcedure, opts: CallOptions): Promise<unknown> {
  const def = procedure._def as unknown as { middlewares: Middleware[]; meta: unknown };
  const result = await callLevel(0, def, opts);
  if (!result) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "No result from middlewares." });
  if (!result.ok) throw result.error;
  return result.data;
}

async function callLevel(index: number, def: { middlewares: Middleware[]; meta: unknown }, opts: CallOptions): Promise<MiddlewareResult> {
  try {
    return await def.middlewares[index]!({
      ...opts,
      meta: def.meta,
      input: opts.input,
      next(next?: { ctx?: object; input?: unknown; getRawInput?: () => Promise<unknown> }) {
        return callLevel(index + 1, def, {
          ...opts,
          ctx: next?.ctx ? { ...(opts.ctx as object), ...next.ctx } : opts.ctx,
          input: next && "input" in next ? next.input : opts.input,
          getRawInput: next?.getRawInput ?? opts.getRawInput,
        });
      },
    });
  } catch (cause) {
    return { ok: false, error: getTRPCErrorFromUnknown(cause), marker: middlewareMarker } as MiddlewareResult;
  }
}

/** The two query parameters tRPC reads, decoded as URLSearchParams would ("+" is a space). */
export function queryParams(query: string): { input?: string; batch?: string } {
  const found: { input?: string; batch?: string } = {};
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (name !== "input" && name !== "batch") continue;
    if (found[name] !== undefined) continue; // the first one counts, as with URLSearchParams.get
    const value = eq < 0 ? "" : pair.slice(eq + 1).replaceAll("+", " ");
    try {
      found[name] = decodeURIComponent(value);
    } catch {
      found[name] = value;
    }
  }
  return found;
}

/** Headers a procedure adds (Set-Cookie at sign-in and sign-out); most responses add none. */
class AddedHeaders {
  list: [string, string][] | undefined;
  append(name: string, value: string) {
    this.list ??= [];
    this.list.push([name, value]);
  }
}

function respond(body: string, status: number, added: AddedHeaders): Response {
  // A plain record keeps the node adapter on its direct write path. The few responses with
  // cookies take a Headers object, where several Set-Cookie values stay apart.
  let headers: Record<string, string> | Headers = jsonHeaders;
  if (added.list) {
    headers = new Headers(jsonHeaders);
    for (const [name, value] of added.list) headers.append(name, value);
  }
  const res = new Response(body, { status, headers });
  secured.add(res);
  return res;
}
