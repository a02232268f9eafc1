// What every verb shares: input validation into INVALID_INPUT, one transaction, one audit row.
import type { Tx } from "@tally/db";
import { sql } from "drizzle-orm";
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

/** The one insert of audit rows: by the acting user, in the caller's transaction (one statement). */
export async function audit(tx: Tx, ctx: Pick<Ctx, "practiceId" | "actor">, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    action: e.action,
    target_type: e.targetType ?? null,
    target_id: e.targetId ?? null,
    details: e.details ?? {},
  }));
  await tx.execute(
    sql`insert into audit_log (practice_id, actor_kind, actor_id, action, target_type, target_id, details)
        select ${ctx.practiceId}::uuid, ${ctx.actor.kind}, ${ctx.actor.id}, x.action, x.target_type, x.target_id, x.details
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(action text, target_type text, target_id text, details jsonb)`,
  );
}

export const notFound = (what: string) => new DomainError("NOT_FOUND", `${what} not found.`);

/** Input type of a verb: what the caller passes before zod fills defaults. */
export type Input<S extends z.ZodType> = z.input<S>;
