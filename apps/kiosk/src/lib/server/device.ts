// Which practice this kiosk is paired with. Asked of the API at most once a minute per token, so
// every screen shows the practice's name and a revoked kiosk falls back to the pairing screen.
import type { Cookies } from "@sveltejs/kit";
import { errorCodeOf, forgetDevice, kioskApi } from "./api.ts";

interface DeviceInfo {
  name: string;
  practiceName: string;
  /** The practice's language: the start screen returns to it. */
  language: "en" | "es";
  /** The practice's timezone: dates on the welcome screen (points expiring) are its local dates. */
  timezone: string;
  /** A camera or scanner reads QR codes here; null: the typed check-in code instead. */
  qrReader: "camera" | "scanner" | null;
}

const cache = new Map<string, { info: DeviceInfo; until: number }>();
const ttlMs = 60_000;

interface EventLike {
  cookies: Cookies;
  url: URL;
  request: Request;
  getClientAddress(): string;
}

export async function deviceInfo(event: EventLike, now = Date.now()): Promise<DeviceInfo | null> {
  const token = event.cookies.get("tally_kiosk");
  const api = kioskApi(event);
  if (!token || !api) return null;
  const hit = cache.get(token);
  if (hit && hit.until > now) return hit.info;
  try {
    const device = await api.checkin.device.query();
    const info: DeviceInfo = {
      name: device.name,
      practiceName: device.practice.name,
      language: device.practice.language,
      timezone: device.practice.timezone,
      qrReader: device.qrReader,
    };
    if (cache.size > 100) cache.clear();
    cache.set(token, { info, until: now + ttlMs });
    return info;
  } catch (error) {
    if (errorCodeOf(error) === "UNAUTHORIZED") {
      // Revoked by an admin: forget the token so the pairing screen shows.
      cache.delete(token);
      forgetDevice(event);
      return null;
    }
    throw error;
  }
}

/** Called after pairing or when a call says the device is gone. */
export function forgetCachedDevice(token: string | undefined): void {
  if (token) cache.delete(token);
}
