// API keys for practice-management integrations, one or more per practice, stored hashed.
// The key is shown once at creation; the prefix tells keys apart afterwards. Each key has scopes
// (what it may do), a rate limit per minute, and after a rotation an end to its overlap period.
import { apiKeys, type Db } from "@tally/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import { type Ctx, requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { writeAuthAudit } from "./audit.ts";
import { touchEveryMs } from "./policy.ts";
import { hashToken, practiceToken, tokenPractice } from "./tokens.ts";

/** What a key may do. Keys made before scopes existed have them all. */
export const apiKeyScopes = [
  "members:read",
  "members:write",
  "invoices:write",
  "events:write",
  "redeem",
  "webhooks:admin",
  "line_items:read",
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export const apiKeyScopeLabels: Record<ApiKeyScope, string> = {
  "members:read": "Read members, balances, ledger, rewards and coupons",
  "members:write": "Create and change members (tags, consent)",
  "invoices:write": "Post invoices and CSV imports",
  "events:write": "Record events (visits, reviews, referrals, ...)",
  redeem: "Redeem rewards and use coupons",
  "webhooks:admin": "Manage webhook endpoints",
  "line_items:read": "See invoice line items",
};

export const defaultRateLimitPerMinute = 600;
/** How long a rotated key keeps working by default, and at most. */
export const defaultRotationOverlapHours = 24;
const maxRotationOverlapHours = 24 * 30;

const keyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  scopes: apiKeys.scopes,
  rateLimitPerMinute: apiKeys.rateLimitPerMinute,
  expiresAt: apiKeys.expiresAt,
};

function checkScopes(scopes: readonly string[] | undefined): ApiKeyScope[] {
  if (scopes === undefined) return [...apiKeyScopes];
  const unknown = scopes.filter((s) => !(apiKeyScopes as readonly string[]).includes(s));
  if (unknown.length) throw new DomainError("INVALID_INPUT", `Unknown scope: ${unknown.join(", ")}.`);
  if (scopes.length === 0) throw new DomainError("INVALID_INPUT", "Choose at least one scope.");
  return apiKeyScopes.filter((s) => scopes.includes(s));
}

function checkRate(rate: number | undefined): number {
  if (rate === undefined) return defaultRateLimitPerMinute;
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000)
    throw new DomainError("INVALID_INPUT", "The rate limit is 1 to 100,000 requests a minute.");
  return rate;
}

/** A key naming its practice (tokens.ts: `tly_<practice id>.<random>`), and what the admin app
 *  shows to tell keys apart (`tly_` and the random part's first characters). */
function newApiKey(practiceId: string) {
  const key = practiceToken("tly_", practiceId);
  return { key, prefix: `tly_${tokenPractice(key)!.secret.slice(0, 6)}` };
}

export async function createApiKey(ctx: Ctx, input: { name: string; scopes?: readonly string[]; rateLimitPerMinute?: number }) {
  requireStaff(ctx, "admin");
  const scopes = checkScopes(input.scopes);
  const rateLimitPerMinute = checkRate(input.rateLimitPerMinute);
  const { key, prefix } = newApiKey(ctx.practiceId);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        practiceId: ctx.practiceId,
        name: input.name.trim(),
        prefix,
        keyHash: hashToken(key),
        createdByStaffId: ctx.actor.kind === "staff" ? ctx.actor.id : null,
        scopes,
        rateLimitPerMinute,
      })
      .returning(keyColumns);
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "apiKeys.create",
      targetType: "api_key",
      targetId: row!.id,
      details: { prefix, scopes },
    });
    return { ...row!, key };
  });
}

/** A new key with the same name, scopes and limit; the old one keeps working for the overlap
 *  (hours, 0 = revoked now) so callers can switch without downtime. The new key is shown once. */
export async function rotateApiKey(ctx: Ctx, input: { keyId: string; overlapHours?: number }) {
  requireStaff(ctx, "admin");
  const overlap = input.overlapHours ?? defaultRotationOverlapHours;
  if (!Number.isFinite(overlap) || overlap < 0 || overlap > maxRotationOverlapHours)
    throw new DomainError("INVALID_INPUT", "The overlap is 0 to 720 hours.");
  const { key, prefix } = newApiKey(ctx.practiceId);
  const now = new Date();
  return ctx.db.transaction(async (tx) => {
    const [old] = await tx
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.practiceId, ctx.practiceId), isNull(apiKeys.revokedAt)))
      .for("update");
    if (!old || (old.expiresAt && old.expiresAt <= now)) throw new DomainError("NOT_FOUND", "No such API key.");
    const expiresAt = new Date(now.getTime() + overlap * 3_600_000);
    await tx
      .update(apiKeys)
      .set(overlap === 0 ? { revokedAt: now, expiresAt: now } : { expiresAt })
      .where(eq(apiKeys.id, old.id));
    const [row] = await tx
      .insert(apiKeys)
      .values({
        practiceId: ctx.practiceId,
        name: old.name,
        prefix,
        keyHash: hashToken(key),
        createdByStaffId: ctx.actor.kind === "staff" ? ctx.actor.id : null,
        scopes: old.scopes,
        rateLimitPerMinute: old.rateLimitPerMinute,
        rotatedFromId: old.id,
      })
      .returning(keyColumns);
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "apiKeys.rotate",
      targetType: "api_key",
      targetId: row!.id,
      details: { prefix, previousPrefix: old.prefix, previousKeyWorksUntil: expiresAt.toISOString() },
    });
    return { ...row!, key, previousKeyExpiresAt: expiresAt };
  });
}

export async function listApiKeys(ctx: Ctx) {
  requireStaff(ctx, "admin");
  return ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      scopes: apiKeys.scopes,
      rateLimitPerMinute: apiKeys.rateLimitPerMinute,
      expiresAt: apiKeys.expiresAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.practiceId, ctx.practiceId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(ctx: Ctx, input: { keyId: string }) {
  requireStaff(ctx, "admin");
  return ctx.db.transaction(async (tx) => {
    const [k] = await tx
      .update(apiKeys)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiKeys.id, input.keyId), eq(apiKeys.practiceId, ctx.practiceId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (!k) throw new DomainError("NOT_FOUND", "No such API key.");
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "apiKeys.revoke",
      targetType: "api_key",
      targetId: k.id,
    });
    return { ok: true as const };
  });
}

export interface ApiKeyPrincipal {
  kind: "apiKey";
  keyId: string;
  practiceId: string;
  scopes: readonly ApiKeyScope[];
  rateLimitPerMinute: number;
}

/** The key's principal, or null when unknown, revoked or past its rotation overlap. */
export async function resolveApiKey(db: Db, key: string, now = new Date()): Promise<ApiKeyPrincipal | null> {
  // Keys made before keys named their practice are found by their hash alone.
  const routed = tokenPractice(key);
  const [row] = await db
    .select({
      id: apiKeys.id,
      practiceId: apiKeys.practiceId,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      expiresAt: apiKeys.expiresAt,
      scopes: apiKeys.scopes,
      rateLimitPerMinute: apiKeys.rateLimitPerMinute,
    })
    .from(apiKeys)
    .where(and(routed ? eq(apiKeys.practiceId, routed.practiceId) : undefined, eq(apiKeys.keyHash, hashToken(key))));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= touchEveryMs) {
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.practiceId, row.practiceId), eq(apiKeys.id, row.id)));
  }
  return {
    kind: "apiKey",
    keyId: row.id,
    practiceId: row.practiceId,
    scopes: row.scopes.filter((s): s is ApiKeyScope => (apiKeyScopes as readonly string[]).includes(s)),
    rateLimitPerMinute: row.rateLimitPerMinute,
  };
}
