// Audit rows for the auth verbs (which act before a full context exists), in the same transaction as the change.
import type { Tx } from "@tally/db";
import type { Actor } from "../context.ts";
import { audit } from "../verb.ts";

export async function writeAuthAudit(
  tx: Tx,
  entry: { practiceId: string; actor: Actor; action: string; targetType?: string; targetId?: string; details?: Record<string, unknown> },
): Promise<void> {
  const { practiceId, actor, ...rest } = entry;
  await audit(tx, { practiceId, actor }, rest);
}
