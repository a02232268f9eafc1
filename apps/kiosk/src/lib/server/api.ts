// The typed API client as this kiosk: its device token (from pairing) lives in an HttpOnly cookie
// scoped to /kiosk, so the browser never exposes it to scripts and no other app receives it.

import type { Cookies } from "@sveltejs/kit";
import { type ApiClient, createApiClient } from "@tally/api/client";
import { TRPCClientError } from "@trpc/client";
import { TALLY_API_URL } from "$app/env/private";

export const deviceCookie = "tally_kiosk";
const basePath = "/kiosk";

interface EventLike {
  cookies: Cookies;
  url: URL;
  request: Request;
  getClientAddress(): string;
}

function clientAddress(event: EventLike): string {
  try {
    return event.getClientAddress();
  } catch {
    return "";
  }
}

/** A client without a device (pairing only). */
export function publicApi(event: EventLike): ApiClient {
  const address = clientAddress(event);
  return createApiClient({ url: TALLY_API_URL, clientAddress: address || undefined });
}

/** A client acting as this paired kiosk; null when the kiosk is not paired. */
export function kioskApi(event: EventLike): ApiClient | null {
  const token = event.cookies.get(deviceCookie);
  if (!token) return null;
  const address = clientAddress(event);
  return createApiClient({
    url: TALLY_API_URL,
    headers: { authorization: `Bearer ${token}` },
    clientAddress: address || undefined,
  });
}

export function rememberDevice(event: EventLike, token: string): void {
  event.cookies.set(deviceCookie, token, {
    path: basePath,
    httpOnly: true,
    sameSite: "strict",
    secure: event.url.protocol === "https:",
    // A kiosk stays paired until an admin revokes it; browsers cap cookies at 400 days.
    maxAge: 400 * 24 * 60 * 60,
  });
}

export function forgetDevice(event: EventLike): void {
  event.cookies.delete(deviceCookie, { path: basePath });
}

/** The tRPC error code of a failed call (UNAUTHORIZED, TOO_MANY_REQUESTS, ...), if any. */
export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code;
  return undefined;
}
