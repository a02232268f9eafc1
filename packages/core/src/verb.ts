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

/** The one insert of audit rows: by the acting user, in the caller's transaction. */
export async function audit(tx: Tx, ctx: Pick<Ctx, "practiceId" | "actor">, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(auditLog).values(
    entries.map((entry) => ({
      practiceId: ctx.practiceId,
      actorKind: ctx.actor.kind,
      actorId: ctx.actor.id,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
    })),
  );
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found.`);

/** Input type of a verb: what the caller passes before zod fills defaults. */
export type Input<S extends z.ZodType> = z.input<S>;
