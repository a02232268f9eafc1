// The typed API client for loads and actions: forwards the browser's cookies and address so the
// API sees the member's session, and turns API errors into sentences for people.

import type { Cookies } from "@sveltejs/kit";
import { type ApiClient, appCodeOf, createApiClient, memberCookie, sessionCookieOptions } from "@tally/api/client";
import { TRPCClientError } from "@trpc/client";
import { TALLY_API_URL } from "$app/env/private";

interface EventLike {
  request: Request;
  getClientAddress(): string;
  locals?: Partial<App.Locals>;
}

export function api(event: EventLike): ApiClient {
  let address = "";
  try {
    address = event.getClientAddress();
  } catch {
    // Not available while prerendering or in tests.
  }
  return createApiClient({
    url: TALLY_API_URL,
    headers: {
      cookie: event.request.headers.get("cookie") ?? "",
      "user-agent": event.request.headers.get("user-agent") ?? "",
      // The page's language: the API answers with the practice's texts in it.
      "accept-language": event.locals?.lang ?? event.request.headers.get("accept-language") ?? "",
    },
    clientAddress: address || undefined,
  });
}

export { appCodeOf };

/** No practice to act for: no link names one and the install has no default practice yet. */
export class PracticeNotSetUp extends Error {
  constructor() {
    super("This rewards program is not set up yet. Please check back soon, or ask at the front desk.");
  }
}

/** A sentence for people from any failed call; unexpected failures say what to do next. */
export function messageOf(error: unknown, fallback = "Something went wrong on our side. Please try again in a moment."): string {
  if (error instanceof PracticeNotSetUp) return error.message;
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string } | undefined;
    if (data?.code === "BAD_REQUEST" && error.message.startsWith("["))
      return "Some of the values are not valid. Check the form and try again.";
    if (data?.code === "INTERNAL_SERVER_ERROR") return fallback;
    if (data?.code === "TOO_MANY_REQUESTS") return "Too many tries in a short time. Please wait a minute and try again.";
    return error.message || fallback;
  }
  return fallback;
}

export function isUnauthorized(error: unknown) {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}

/** Puts the session the API returned into the browser (the API's own Set-Cookie stays server side). */
export function setMemberSession(cookies: Cookies, url: URL, session: { token: string; expiresAt: string | Date }) {
  cookies.set(memberCookie, session.token, { ...sessionCookieOptions(url.protocol === "https:"), expires: new Date(session.expiresAt) });
}

export function clearMemberSession(cookies: Cookies) {
  cookies.delete(memberCookie, { path: "/" });
}
