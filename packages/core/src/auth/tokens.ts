// Random secrets and their stored form: only SHA-256 hashes of tokens reach the database.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** A URL-safe random token with 256 bits of entropy. */
export const randomToken = (prefix = "") => prefix + randomBytes(32).toString("base64url");

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A short numeric code a person can type (kiosk pairing). */
export const numericCode = (digits = 8) => Array.from({ length: digits }, () => randomInt(10)).join("");

// No 0/O/1/l/I: temporary passwords are read aloud or copied from a screen.
const readable = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** A temporary password for a new or reset staff account. */
export const temporaryPassword = (length = 14) => Array.from({ length }, () => readable[randomInt(readable.length)]).join("");

/** The check-in QR code a patient shows at the kiosk: the member id signed for one practice,
 *  so it cannot be forged or moved to another practice, and needs no extra table. */
export function memberQrToken(secret: string, practiceId: string, memberId: string): string {
  return `q1.${memberId}.${qrSignature(secret, practiceId, memberId)}`;
}

/** The member id inside a valid token for this practice, or null. */
export function readMemberQrToken(secret: string, practiceId: string, token: string): string | null {
  const [version, memberId, signature] = token.trim().split(".");
  if (version !== "q1" || !memberId || !signature) return null;
  const expected = Buffer.from(qrSignature(secret, practiceId, memberId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? memberId : null;
}

const qrSignature = (secret: string, practiceId: string, memberId: string) =>
  createHmac("sha256", secret).update(`${practiceId}:${memberId}`).digest("base64url").slice(0, 22);
