// Audit rows for the auth verbs, written in the same transaction as the change.
import { auditLog, type Tx } from "@tally/db";
import type { Actor } from "../context.ts";

export async function writeAuthAudit(
  tx: Tx,
  entry: { practiceId: string; actor: Actor; action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({
    practiceId: entry.practiceId,
    actorKind: entry.actor.kind,
    actorId: entry.actor.id,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}
