// The typed API client for loads and actions: forwards the browser's cookies and address so the
// API sees the staff session (and rate-limits the real client), and turns API errors into
// sentences for the page. Served by the API's process, the calls are handed over in process.
import { type ApiClient, appCodeOf, createApiClient } from "@tally/api/client";
import { TRPCClientError } from "@trpc/client";
import { TALLY_API_URL } from "$app/env/private";

interface EventLike {
  request: Request;
  getClientAddress(): string;
}

export function api(event: EventLike): ApiClient {
  const cookie = event.request.headers.get("cookie") ?? "";
  let address = "";
  try {
    address = event.getClientAddress();
  } catch {
    // Not available while prerendering or in tests.
  }
  return createApiClient({
    url: TALLY_API_URL,
    headers: { cookie, "user-agent": event.request.headers.get("user-agent") ?? "" },
    clientAddress: address || undefined,
  });
}

export { appCodeOf };

/** A sentence for people from any failed call; unexpected failures say what to do next. */
export function messageOf(error: unknown, fallback = "Something went wrong on our side. Please try again in a moment."): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; zodError?: unknown } | undefined;
    if (data?.code === "BAD_REQUEST" && error.message.startsWith("["))
      return "Some of the values are not valid. Check the form and try again.";
    if (data?.code === "INTERNAL_SERVER_ERROR") return fallback;
    return error.message || fallback;
  }
  return fallback;
}

export function isUnauthorized(error: unknown) {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === "UNAUTHORIZED";
}
