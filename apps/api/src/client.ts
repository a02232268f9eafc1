/**
 * The typed API client for the SvelteKit apps (server side: +page.server.ts loads and actions).
 *
 *   import { createApiClient, staffCookie } from "@tally/api/client";
 *
 *   // in a load or form action:
 *   const api = createApiClient({
 *     url: env.TALLY_API_URL,                               // e.g. http://127.0.0.1:3000 (server.ts sets it)
 *     headers: { cookie: request.headers.get("cookie") ?? "", "x-forwarded-for": getClientAddress() },
 *   });
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
  /** Sent with every request: the browser's cookie header, x-forwarded-for, or a kiosk's authorization. */
  headers?: Record<string, string> | (() => Record<string, string>);
  fetch?: typeof fetch;
}

export function createApiClient({ url, headers, fetch: customFetch }: ApiClientOptions) {
  const endpoint = `${url.replace(/\/$/, "")}/trpc`;
  const headerFn = () => (typeof headers === "function" ? headers() : (headers ?? {}));
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
