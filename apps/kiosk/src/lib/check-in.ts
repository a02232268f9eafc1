// The three ways to check in at the kiosk, and validation of what the patient typed.
import type { MessageKey } from "./i18n.ts";

export const METHODS = ["card", "qr", "phone"] as const;
export type Method = (typeof METHODS)[number];

export function isMethod(value: string): value is Method {
  return (METHODS as readonly string[]).includes(value);
}

/** Returns the message key of the problem, or null when the entry can be looked up. */
export function checkEntry(method: Method, raw: string): MessageKey | null {
  const digits = raw.replace(/\D/g, "");
  if (method === "card") return /^\d{6,20}$/.test(raw.replace(/[\s-]/g, "")) ? null : "enterCard";
  // US numbers: 10 digits, optionally with the leading country code 1.
  if (method === "phone") return digits.length === 10 || (digits.length === 11 && digits.startsWith("1")) ? null : "enterPhone";
  return null; // the QR code is read by the camera, nothing is typed
}
