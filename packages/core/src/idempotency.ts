// Client-supplied idempotency keys: the first request with a key does the work and stores its
// result; a repeat with the same body gets that result back, one with a different body CONFLICT.
// The key row is inserted first, so a concurrent repeat waits on the unique index until the
// first transaction commits (or rolls back, in which case the repeat does the work itself).
import { createHash } from "node:crypto";
import { idempotencyKeys, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "./context.ts";
import { DomainError } from "./errors.ts";

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export const hashBody = (body: unknown) => createHash("sha256").update(stableJson(body)).digest("hex");

export async function withIdempotency<T>(
  tx: Tx,
  ctx: Ctx,
  scope: string,
  key: string | undefined,
  body: unknown,
  work: () => Promise<T>,
): Promise<T> {
  if (!key) return work();
  const requestHash = hashBody(body);
  const [claimed] = await tx
    .insert(idempotencyKeys)
    .values({ practiceId: ctx.practiceId, scope, key, requestHash, response: {} })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (!claimed) {
    const [prior] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.practiceId, ctx.practiceId), eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    if (!prior || prior.requestHash !== requestHash) {
      throw new DomainError("CONFLICT", "This idempotency key was already used with a different request.", { key });
    }
    return prior.response as T;
  }
  const result = await work();
  await tx
    .update(idempotencyKeys)
    .set({ response: JSON.parse(JSON.stringify(result ?? null)) })
    .where(and(eq(idempotencyKeys.practiceId, ctx.practiceId), eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  return result;
}
