// Check-in: staff at the desk, or a paired kiosk (device token) for the patient in front of it.
// The kiosk identifies the patient (card, QR code, phone + birth date), records the visit and
// answers with what its result screen shows: a kiosk only ever sees first name, last initial,
// balance, progress and coupons. A short-lived visit ticket, bound to the device and patient,
// lets the patient take the compliance survey right after. Patients get their QR code here.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  checkIn,
  checkInInput,
  getPractice,
  kioskCheckInBatched,
  listSurveyQuestions,
  memberQrToken,
  pairKiosk,
  submitSurvey,
} from "@tally/core";
import { z } from "zod";
import { kioskProcedure, limitRate, memberProcedure, publicProcedure, router, staffProcedure } from "../init.ts";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD");

export const identifyInput = z.discriminatedUnion("method", [
  z.object({ method: z.literal("card"), cardNumber: z.string().trim().min(1).max(64) }),
  z.object({ method: z.literal("qr"), token: z.string().trim().min(1).max(200) }),
  z.object({ method: z.literal("phone"), phone: z.string().trim().min(7).max(32), birthday: IsoDate }),
]);

const ticketMs = 5 * 60_000;

function signTicket(secret: string, deviceId: string, memberId: string, expires: number) {
  return createHmac("sha256", secret).update(`kiosk-visit:${deviceId}:${memberId}:${expires}`).digest("base64url").slice(0, 32);
}

export function visitTicket(secret: string, deviceId: string, memberId: string, now = Date.now()): string {
  const expires = now + ticketMs;
  return `v1.${memberId}.${expires}.${signTicket(secret, deviceId, memberId, expires)}`;
}

/** The member id of a valid, unexpired ticket issued to this device, or null. */
export function readVisitTicket(secret: string, deviceId: string, ticket: string, now = Date.now()): string | null {
  const [version, memberId, expiresText, signature] = ticket.split(".");
  const expires = Number(expiresText);
  if (version !== "v1" || !memberId || !signature || !Number.isFinite(expires) || expires < now) return null;
  const expected = Buffer.from(signTicket(secret, deviceId, memberId, expires));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? memberId : null;
}

const ticketInput = z.object({ ticket: z.string().min(1).max(200) });
const expired = { status: "expired" as const };

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

  /** Pairs a kiosk with the one-time code from the admin app; answers its device token. */
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

  /** Identifies the patient and records the visit. "Not found" and "wrong birth date" are one answer. */
  byKiosk: kioskProcedure.input(identifyInput).mutation(async ({ ctx, input }) => {
    limitRate(ctx, "identify", ctx.kiosk.deviceId);
    // Batched with the check-ins arriving meanwhile (one transaction for many kiosk visits).
    const found = await kioskCheckInBatched(ctx.core, input, { qrSecret: ctx.config.qrSecret });
    if (found.status === "not_found") return { status: "not_found" as const };
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
      return { status: "see_front_desk" as const, reason: found.reason };
    }
    const welcome = found.welcome;
    ctx.metrics.inc("tally_events_processed_total", "Events recorded and evaluated (check-ins, imports, staff).");
    const name = `${welcome.firstName} ${welcome.lastInitial}.`;
    ctx.bus.publish({
      type: "checked_in",
      practiceId: ctx.kiosk.practiceId,
      at: new Date().toISOString(),
      memberId: found.memberId,
      name,
      method: found.method,
      points: welcome.pointsEarned,
    });
    const { eventId: _eventId, ...shown } = welcome;
    return {
      status: "checked_in" as const,
      welcome: shown,
      surveyTicket: welcome.surveyAvailable ? visitTicket(ctx.config.qrSecret, ctx.kiosk.deviceId, found.memberId) : null,
    };
  }),

  /** The practice's compliance survey questions, for the patient holding this visit ticket. */
  visitSurvey: kioskProcedure.input(ticketInput).query(async ({ ctx, input }) => {
    if (!readVisitTicket(ctx.config.qrSecret, ctx.kiosk.deviceId, input.ticket)) return expired;
    const questions = await listSurveyQuestions({ ctx: ctx.core });
    return { status: "ok" as const, questions: questions.map((q) => ({ id: q.id, text: q.text })) };
  }),

  submitVisitSurvey: kioskProcedure
    .input(
      ticketInput.extend({
        answers: z
          .array(z.object({ questionId: z.uuid(), positive: z.boolean() }))
          .min(1)
          .max(100),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const memberId = readVisitTicket(ctx.config.qrSecret, ctx.kiosk.deviceId, input.ticket);
      if (!memberId) return expired;
      const result = await submitSurvey({ ctx: ctx.core, input: { memberId, answers: input.answers } });
      const points = result.awards.filter((a) => a.member === memberId).reduce((sum, a) => sum + a.points, 0);
      return {
        status: "submitted" as const,
        perfect: result.perfect,
        pointsEarned: points,
        phases: result.phases.filter((p) => p.member === memberId).map((p) => p.phase),
      };
    }),

  /** The patient's QR code to show at the kiosk (signed member id, valid for this practice only). */
  myCode: memberProcedure.query(({ ctx }) => ({
    token: memberQrToken(ctx.config.qrSecret, ctx.member.practiceId, ctx.member.actor.id),
  })),
});
