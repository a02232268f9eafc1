/**
 * The typed API client for the SvelteKit apps (server side: +page.server.ts loads and actions).
 *
 *   import { createApiClient, staffCookie } from "@tally/api/client";
 *
 *   // in a load or form action:
 *   const api = createApiClient({
 *     url: env.TALLY_API_URL,                               // e.g. http://127.0.0.1:3000 (server.ts sets it)
 *     headers: { cookie: request.headers.get("cookie") ?? "" },
 *     clientAddress: getClientAddress(),                    // the browser's, for rate limits and lockouts
 *   });
 *
 * When the apps are served by the API's own process (server.ts), the calls never touch a socket:
 * server.ts registers its app (registerInProcessApi) before it loads the apps, and a client whose
 * url is that process's own address hands each Request to it, with the browser's address beside
 * it (not in a header, so nothing a browser sends can change it). Any other url goes over HTTP with
 * X-Forwarded-For, which that API believes only from proxies its TRUST_PROXY names.
 *   const me = await api.auth.me.query();
 *
 * Signing in from a form action: call `auth.signIn.mutate({ email, password })` (patients:
 * `auth.member.signIn`), then put the returned token in the cookie on the app's own response:
 *   cookies.set(staffCookie, result.token, { ...sessionCookieOptions(url.protocol === "https:"), expires: new Date(result.expiresAt) });
 * Signing out: `auth.signOut.mutate()` then `cookies.delete(staffCookie, { path: "/" })`.
 *
 * Kiosk: `headers: { authorization: `Bearer ${deviceToken}` }` (the token from `checkin.pair`).
 * Errors are TRPCClientError; `err.data.appCode` carries the domain code (NOT_FOUND, LOCKED,
 * PASSWORD_CHANGE_REQUIRED, ...) and `err.message` a sentence for people.
 *
 * This file imports only types from the server, so nothing of it reaches a browser bundle.
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./trpc/root.ts";

export type { AppRouter };
export type ApiInputs = inferRouterInputs<AppRouter>;
export type ApiOutputs = inferRouterOutputs<AppRouter>;

/** Cookie names (kept in sync with the server's trpc/context.ts). */
export const staffCookie = "tally_staff";
export const memberCookie = "tally_member";

export const sessionCookieOptions = (secure: boolean) => ({ path: "/", httpOnly: true, sameSite: "lax" as const, secure });

export interface ApiClientOptions {
  /** The API's origin, without /trpc. */
  url: string;
  /** Sent with every request: the browser's cookie header, or a kiosk's authorization. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** The address of the browser on whose behalf the calls are made (SvelteKit's getClientAddress()). */
  clientAddress?: string;
  fetch?: typeof fetch;
}

/** The API of this very process, as server.ts registers it. */
export interface InProcessApi {
  /** The origin the apps are told to call (TALLY_API_URL); calls to it are handed over directly. */
  origin: string;
  fetch(request: Request, clientAddress: string | undefined): Promise<Response>;
}

const inProcessKey = Symbol.for("tally.api.in-process");
type WithInProcess = { [inProcessKey]?: InProcessApi };

export function registerInProcessApi(api: InProcessApi | undefined) {
  (globalThis as WithInProcess)[inProcessKey] = api ? { ...api, origin: new URL(api.origin).origin } : undefined;
}

function inProcessApi(url: string): InProcessApi | undefined {
  const api = (globalThis as WithInProcess)[inProcessKey];
  if (!api) return undefined;
  try {
    return new URL(url).origin === api.origin ? api : undefined;
  } catch {
    return undefined;
  }
}

/**
 * fetch for calls to the API at `url`: handed to the API in this process when it is the one at
 * that address, over HTTP (the address in X-Forwarded-For) otherwise. For the apps' few plain
 * HTTP calls (CSV uploads, the live feed relay).
 */
export function apiFetch(url: string, clientAddress?: string): typeof fetch {
  const local = inProcessApi(url);
  if (local) return (input, init) => local.fetch(new Request(input, init), clientAddress);
  return (input, init) => {
    if (!clientAddress) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set("x-forwarded-for", clientAddress);
    return fetch(input, { ...init, headers });
  };
}

export function createApiClient({ url, headers, clientAddress, fetch: customFetch }: ApiClientOptions) {
  const endpoint = `${url.replace(/\/$/, "")}/trpc`;
  const headerFn = () => (typeof headers === "function" ? headers() : (headers ?? {}));
  customFetch ??= apiFetch(url, clientAddress);
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: endpoint }),
        false: httpBatchLink({ url: endpoint, headers: headerFn, fetch: customFetch }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The domain error code of a failed call (for `fail(400, ...)` in form actions), if any. */
export function appCodeOf(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) return (error.data as { appCode?: string } | undefined)?.appCode;
  return undefined;
}
