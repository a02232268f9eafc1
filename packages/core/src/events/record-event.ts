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
 * first outcome with `duplicate: true`.
 */
export async function recordEvent({ ctx, input, source }: { ctx: Ctx; input: RecordEventInput; source?: string }): Promise<ProcessedEvent> {
  authorize(ctx, "events.record");
  const data = parseInput(recordEventInput, input);
  return inTx(ctx, async (tx) => {
    const result = await processEvent(tx, ctx, data, { source });
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
