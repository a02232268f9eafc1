// recordEvent: the entry point for every event (integrations, kiosk, portal, staff, jobs).
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { audit, inTx, parseInput } from "../verb.ts";
import { type ProcessedEvent, processEvent } from "./process-event.ts";
import { type RecordEventInput, recordEventInput } from "./schemas.ts";

export { recordEventInput };

/**
 * Stores the event once (unique per practice and external id), evaluates it with the persisted
 * state of its members and writes the effects, all in one transaction. A replay returns the
 * first outcome with `duplicate: true`; the same id with a different payload is refused
 * (CONFLICT, 409), except an invoice paid again with other lines, which is a revision.
 */
export async function recordEvent({ ctx, input, source }: { ctx: Ctx; input: RecordEventInput; source?: string }): Promise<ProcessedEvent> {
  authorize(ctx, "events.record");
  const data = parseInput(recordEventInput, input);
  return inTx(ctx, async (tx) => {
    // A replay with the same payload answers the first outcome; a changed payload is a conflict.
    const result = await processEvent(tx, ctx, data, { source, conflictOnChange: true });
    if (!result.duplicate) {
      await audit(tx, ctx, {
        action: "events.record",
        targetType: "event",
        targetId: result.eventId,
        details: { type: data.type, externalId: data.id },
      });
    }
    return result;
  });
}
