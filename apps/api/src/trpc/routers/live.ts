// The staff live prompt over SSE (httpSubscriptionLink): check-ins, unlocked instant rewards and
// kiosk lockouts of the staff user's own practice, as they happen.
import { router, staffProcedure } from "../init.ts";

export const liveRouter = router({
  staffPrompts: staffProcedure.meta({ action: "signed-in" }).subscription(async function* ({ ctx, signal }) {
    yield* ctx.bus.subscribe(ctx.staff.practiceId, signal);
  }),
});
