// Events staff record by hand (e.g. a consent given on paper), evaluated by the rules.
import { recordEvent, recordEventInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const eventsRouter = router({
  record: staffProcedure
    .meta({ action: "events.record" })
    .input(recordEventInput)
    .mutation(async ({ ctx, input }) => {
      const result = await recordEvent({ ctx: ctx.core, input, source: "staff" });
      ctx.metrics.inc("tally_events_processed_total", "Events recorded and evaluated (check-ins, imports, staff).");
      return result;
    }),
});
