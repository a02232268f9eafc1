// Recorded events: staff record one by hand (e.g. a consent), and list what happened.
import { listEvents, listEventsInput, recordEvent, recordEventInput } from "../../core.ts";
import { router, staffProcedure } from "../init.ts";

export const eventsRouter = router({
  record: staffProcedure.input(recordEventInput).mutation(({ ctx, input }) => recordEvent({ ctx: ctx.core, input, source: "staff" })),
  list: staffProcedure.input(listEventsInput).query(({ ctx, input }) => listEvents({ ctx: ctx.core, input })),
});
