// The kiosk's procedures: pairing (with a one-time code from the admin app), then, with its
// device token, identifying a patient and checking them in. A kiosk only ever sees first name,
// last initial, balance, progress and coupons.

import { checkIn, checkInInput, getPractice, kioskCheckInBatched, pairKiosk } from "@tally/core";
import { z } from "zod";
import { kioskProcedure, limitRate, publicProcedure, router, staffProcedure } from "../init.ts";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD");

export const identifyInput = z.discriminatedUnion("method", [
  z.object({ method: z.literal("card"), cardNumber: z.string().trim().min(1).max(64) }),
  z.object({ method: z.literal("qr"), token: z.string().trim().min(1).max(200) }),
  z.object({ method: z.literal("phone"), phone: z.string().trim().min(7).max(32), birthday: IsoDate }),
]);

const notFoundMessage = "We could not find you. Please check and try again, or see the front desk.";
const deskMessage = "Please see the front desk — we'll check you in there.";

export const checkinRouter = router({
  /** Staff check a patient in at the desk (by card, QR, phone + birth date, or by picking them). */
  byStaff: staffProcedure.input(checkInInput).mutation(async ({ ctx, input }) => {
    const result = await checkIn({ ctx: ctx.core, input });
    const base = { practiceId: ctx.core.practiceId, at: new Date().toISOString(), memberId: result.memberId, name: result.displayName };
    ctx.bus.publish({ type: "checked_in", ...base, method: input.method, points: result.pointsEarned });
    if (result.unlockedCoupons.length > 0) {
      ctx.bus.publish({
        type: "instant_unlocked",
        ...base,
        coupons: result.unlockedCoupons.map((c) => ({ code: c.coupon, expiresAt: c.expiresAt?.toISOString() ?? null })),
      });
    }
    return result;
  }),

  pair: publicProcedure
    .input(
      z.object({
        code: z
          .string()
          .trim()
          .regex(/^\d{8}$/, "8 digits"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      limitRate(ctx, "pair");
      return pairKiosk(ctx.database.db, input);
    }),

  /** Who this kiosk is (to show the practice's name, and to detect a revoked device). */
  device: kioskProcedure.query(async ({ ctx }) => {
    const practice = await getPractice({ ctx: ctx.core });
    return {
      id: ctx.kiosk.deviceId,
      name: ctx.kiosk.name,
      practice: { name: practice.name, slug: practice.slug, status: practice.status },
    };
  }),

  /** Identifies the patient and checks them in. "Not found" and "wrong birth date" are one answer. */
  checkIn: kioskProcedure.input(identifyInput).mutation(async ({ ctx, input }) => {
    limitRate(ctx, "identify", ctx.kiosk.deviceId);
    // Batched with the check-ins arriving meanwhile (one transaction for many kiosk visits).
    const found = await kioskCheckInBatched(ctx.core, input, { qrSecret: ctx.config.qrSecret });
    if (found.status === "not_found") return { status: "not_found" as const, message: notFoundMessage };
    if (found.status === "see_front_desk") {
      if (found.lockedNow) {
        ctx.bus.publish({
          type: "kiosk_lockout",
          practiceId: ctx.kiosk.practiceId,
          at: new Date().toISOString(),
          device: ctx.kiosk.name,
          method: input.method,
        });
      }
      return { status: "see_front_desk" as const, message: deskMessage };
    }
    const welcome = found.welcome;
    ctx.metrics.inc("tally_events_processed_total", "Events recorded and evaluated (check-ins, imports, staff).");
    const name = `${welcome.firstName} ${welcome.lastInitial}.`;
    const at = new Date().toISOString();
    const base = { practiceId: ctx.kiosk.practiceId, at, memberId: found.memberId, name };
    ctx.bus.publish({ type: "checked_in", ...base, method: found.method, points: welcome.pointsEarned });
    if (welcome.instantRewards.length > 0) {
      ctx.bus.publish({
        type: "instant_unlocked",
        ...base,
        coupons: welcome.instantRewards.map((c) => ({ code: c.coupon, expiresAt: c.expiresAt?.toISOString() ?? null })),
      });
    }
    const { eventId: _e, ...shown } = welcome;
    return { status: "checked_in" as const, member: shown };
  }),
});
