// Random secrets and their stored form: only SHA-256 hashes of tokens reach the database.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** A URL-safe random token with 256 bits of entropy. */
export const randomToken = (prefix = "") => prefix + randomBytes(32).toString("base64url");

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const namesPractice = new RegExp(`^([a-z]+_)?(${uuid})\\.([A-Za-z0-9_-]+)$`);

/**
 * A secret looked up before its practice is known (session cookies, kiosk device tokens, API
 * keys): `<prefix><practice id>.<random>`. The practice id routes the lookup to the practice's
 * shard (`where practice_id = … and token_hash = …`); the stored hash covers the whole token, so
 * changing the practice part finds nothing.
 */
export const practiceToken = (prefix: string, practiceId: string) => `${prefix}${practiceId}.${randomBytes(32).toString("base64url")}`;

/** The practice a token names, and its random part; null for a token made before tokens named one. */
export function tokenPractice(token: string): { practiceId: string; secret: string } | null {
  const m = namesPractice.exec(token);
  return m ? { practiceId: m[2]!, secret: m[3]! } : null;
}

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
