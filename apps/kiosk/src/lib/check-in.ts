// The ways to check in at the kiosk, and validation of what the patient typed.
import type { Lang } from "./i18n.ts";

/** The problems with an entry, each a message key (#lib/paraglide/messages.js). */
export type EntryProblem = "enterCard" | "enterPhone" | "enterCode" | "enterQr";

/** Rewards card, QR code (read by the kiosk's camera or scanner), the short check-in code from the
 *  portal typed on the keypad, or phone + date of birth. */
export const METHODS = ["card", "qr", "code", "phone"] as const;
export type Method = (typeof METHODS)[number];

export function isMethod(value: string): value is Method {
  return (METHODS as readonly string[]).includes(value);
}

/** A kiosk's QR reader, as the admin set it up: without one there is no QR screen. */
export type QrReader = "camera" | "scanner" | null;

/** The choices on the start screen: the QR screen where a camera or scanner reads codes, else the
 *  typed check-in code. */
export const methodsFor = (qrReader: QrReader): Method[] => ["card", qrReader ? "qr" : "code", "phone"];

/** The short check-in code as typed: 8 digits (spaces and dashes dropped), else null. */
export function checkInCode(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, "");
  return /^\d{8}$/.test(digits) ? digits : null;
}

/** What the keypad shows while a check-in code is typed: "12345678" -> "1234 5678". */
export const maskCheckInCode = (digits: string) => {
  const only = digits.replace(/\D/g, "").slice(0, 8);
  return only.length > 4 ? `${only.slice(0, 4)} ${only.slice(4)}` : only;
};

/** Card numbers as scanners and people type them: spaces and dashes dropped. */
export const normalizeCard = (raw: string) => raw.replace(/[\s-]/g, "");

/** Returns the message key of the problem, or null when the entry can be looked up. */
export function checkEntry(method: Method, raw: string): EntryProblem | null {
  const digits = raw.replace(/\D/g, "");
  if (method === "card") return /^\d{6,20}$/.test(normalizeCard(raw)) ? null : "enterCard";
  // US numbers: 10 digits, optionally with the leading country code 1.
  if (method === "phone") return digits.length === 10 || (digits.length === 11 && digits.startsWith("1")) ? null : "enterPhone";
  if (method === "code") return checkInCode(raw) ? null : "enterCode";
  return raw.trim().length >= 8 ? null : "enterQr";
}

/**
 * A birth date typed on the keypad, in the screen language's order (English MM/DD/YYYY, Spanish
 * DD/MM/AAAA), with or without separators; also ISO (a form filled by a browser). Returns
 * YYYY-MM-DD for a real calendar date in the past 130 years, else null.
 */
export function parseBirthDate(raw: string, lang: Lang, today = new Date()): string | null {
  const text = raw.trim();
  let y: number;
  let m: number;
  let d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const parts = text.includes("/") || text.includes("-") || text.includes(".") ? text.split(/[/.-]/) : splitDigits(text);
    if (parts?.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
    const [a, b, year] = parts.map(Number) as [number, number, number];
    [m, d] = lang === "es" ? [b, a] : [a, b];
    y = year;
    if (parts[2]!.length !== 4) return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (date > today || y < today.getUTCFullYear() - 130) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const splitDigits = (s: string) => (/^\d{8}$/.test(s) ? [s.slice(0, 2), s.slice(2, 4), s.slice(4)] : null);

/** What the keypad shows while a birth date is typed: "0412" -> "04/12", "04121990" -> "04/12/1990". */
export function maskBirthDate(digits: string): string {
  const only = digits.replace(/\D/g, "").slice(0, 8);
  return [only.slice(0, 2), only.slice(2, 4), only.slice(4)].filter(Boolean).join("/");
}

/** What the keypad shows while a phone number is typed: "2175551000" -> "(217) 555-1000". */
export function maskPhone(digits: string): string {
  const only = digits.replace(/\D/g, "").slice(0, 10);
  if (only.length <= 3) return only;
  if (only.length <= 6) return `(${only.slice(0, 3)}) ${only.slice(3)}`;
  return `(${only.slice(0, 3)}) ${only.slice(3, 6)}-${only.slice(6)}`;
}

export const isPairingCode = (raw: string) => /^\d{8}$/.test(raw.replace(/\s/g, ""));

/**
 * A barcode scanner acting as a keyboard types a burst of characters much faster than a person
 * and ends with Enter. Feed it key presses with their times; it answers the scanned text on the
 * Enter that ends a fast burst, else null.
 */
export function createBurstDetector(options: { maxGapMs?: number; minLength?: number } = {}) {
  // Scanners type a character every few milliseconds; people need well over 100 ms between keys.
  const maxGap = options.maxGapMs ?? 100;
  const minLength = options.minLength ?? 6;
  let buffer = "";
  let last = -Infinity;
  return {
    key(key: string, at: number): string | null {
      const gap = at - last;
      last = at;
      if (key === "Enter") {
        const scanned = gap <= maxGap * 3 && buffer.length >= minLength ? buffer : null;
        buffer = "";
        return scanned;
      }
      if (key.length !== 1) {
        buffer = "";
        return null;
      }
      buffer = gap <= maxGap ? buffer + key : key;
      return null;
    },
  };
}
