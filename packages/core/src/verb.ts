// What every verb shares: input validation into INVALID_INPUT, one transaction, one audit row.
import { auditLog, type Tx } from "@tally/db";
import type { z } from "zod";
import type { Ctx } from "./context.ts";
import { DomainError, describeIssues } from "./errors.ts";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new DomainError("INVALID_INPUT", describeIssues(result.error.issues), { issues });
  }
  return result.data;
}

/** Runs fn in one transaction (a savepoint when ctx.db is already a transaction). */
export function inTx<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.transaction(fn);
}

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

export async function audit(tx: Tx, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    practiceId: ctx.practiceId,
    actorKind: ctx.actor.kind,
    actorId: ctx.actor.id,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found.`);

/** Input type of a verb: what the caller passes before zod fills defaults. */
export type Input<S extends z.ZodType> = z.input<S>;
