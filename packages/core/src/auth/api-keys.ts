// API keys for practice-management integrations, one or more per practice, stored hashed.
// The key is shown once at creation; the prefix tells keys apart afterwards.
import { apiKeys, type Db } from "@tally/db";
import { and, desc, eq, isNull } from "drizzle-orm";
import { type Ctx, requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { writeAuthAudit } from "./audit.ts";
import { touchEveryMs } from "./policy.ts";
import { hashToken, randomToken } from "./tokens.ts";

export async function createApiKey(ctx: Ctx, input: { name: string }) {
  requireStaff(ctx, "admin");
  const key = randomToken("tly_");
  const prefix = key.slice(0, 10);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        practiceId: ctx.practiceId,
        name: input.name.trim(),
        prefix,
        keyHash: hashToken(key),
        createdByStaffId: ctx.actor.kind === "staff" ? ctx.actor.id : null,
      })
      .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt });
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "apiKeys.create",
      targetType: "api_key",
      targetId: row!.id,
      details: { prefix },
    });
    return { ...row!, key };
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
}

export async function resolveApiKey(db: Db, key: string, now = new Date()): Promise<ApiKeyPrincipal | null> {
  const [row] = await db
    .select({ id: apiKeys.id, practiceId: apiKeys.practiceId, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashToken(key)));
  if (!row || row.revokedAt) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= touchEveryMs) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { kind: "apiKey", keyId: row.id, practiceId: row.practiceId };
}
