// Provider credentials at rest: AES-256-GCM with a key from the environment (TALLY_SECRETS_KEY,
// 32 bytes as base64 or 64 hex digits). Without the key, only the providers that need no
// credentials (the gift-card sandbox, the dev SMS outbox) can be used, and saying so is the error.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DomainError } from "../errors.ts";

export const secretsKeyVariable = "TALLY_SECRETS_KEY";

export class MissingSecretsKey extends DomainError {
  constructor() {
    super(
      "CONFLICT",
      `Provider credentials cannot be stored or used: the server has no ${secretsKeyVariable} (32 random bytes, base64). Only the sandbox is available.`,
    );
  }
}

/** The key from the environment, or null when it is not set (invalid keys are an error, not a silent fallback). */
export function secretsKey(env: Record<string, string | undefined> = process.env): Buffer | null {
  const raw = env[secretsKeyVariable]?.trim();
  if (!raw) return null;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error(`${secretsKeyVariable} must be 32 bytes (base64 or 64 hex digits)`);
  return key;
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url): a fresh 96-bit IV per value, authenticated. */
export function encryptSecret(value: unknown, key: Buffer | null = secretsKey()): string {
  if (!key) throw new MissingSecretsKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export function decryptSecret<T>(sealed: string, key: Buffer | null = secretsKey()): T {
  if (!key) throw new MissingSecretsKey();
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("stored credentials are not in a known format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  const text = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  return JSON.parse(text) as T;
}
