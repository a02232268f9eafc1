// Check-in: staff at the desk, or a paired kiosk (device token) for the patient in front of it.
// The kiosk identifies the patient (card, QR code, phone + birth date), records the visit and
// answers with what its result screen shows: a kiosk only ever sees first name, last initial,
// balance, progress and coupons, never a member id. A short-lived visit ticket (opaque: encrypted,
// bound to the device) lets the patient take the compliance survey right after. Patients get their QR code here.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import {
  checkIn,
  checkInInput,
  getPractice,
  issueCheckInCode,
  kioskCheckInBatched,
  kioskSetup,
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
  /** The short check-in code from the portal (8 digits; spaces and dashes allowed). */
  z.object({
    method: z.literal("code"),
    code: z
      .string()
      .trim()
      .regex(/^[\d\s-]{8,16}$/, "8 digits"),
  }),
  z.object({ method: z.literal("phone"), phone: z.string().trim().min(7).max(32), birthday: IsoDate }),
]);

const ticketMs = 5 * 60_000;

// The visit ticket is opaque to the kiosk: the member id and expiry encrypted and authenticated
// (AES-256-GCM, a key derived from SESSION_SECRET, the device id as associated data), so the kiosk
// never learns who it checked in, a ticket works on its own device only, and the server needs no table.
const ticketKey = (secret: string) => createHmac("sha256", secret).update("kiosk-visit-ticket/v2").digest();

export function visitTicket(secret: string, deviceId: string, memberId: string, now = Date.now()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", ticketKey(secret), iv);
  cipher.setAAD(Buffer.from(`kiosk-visit:${deviceId}`));
  const body = Buffer.concat([cipher.update(`${now + ticketMs}.${memberId}`, "utf8"), cipher.final()]);
  return `v2.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
}

/** The member id of a valid, unexpired ticket issued to this device, or null. */
export function readVisitTicket(secret: string, deviceId: string, ticket: string, now = Date.now()): string | null {
  const [version, packed, ...rest] = ticket.split(".");
  if (version !== "v2" || !packed || rest.length > 0) return null;
  const raw = Buffer.from(packed, "base64url");
  if (raw.length < 12 + 16 + 3) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", ticketKey(secret), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`kiosk-visit:${deviceId}`));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
    const dot = text.indexOf(".");
    const expires = Number(text.slice(0, dot));
    const memberId = text.slice(dot + 1);
    return dot > 0 && memberId && Number.isFinite(expires) && expires >= now ? memberId : null;
  } catch {
    return null; // forged, altered, another device's or another secret's
  }
}

const ticketInput = z.object({ ticket: z.string().min(1).max(200) });
const expired = { status: "expired" as const };

export const checkinRouter = router({
  /** Staff check a patient in at the desk (by card, QR, phone + birth date, or by picking them). */
  byStaff: staffProcedure
    .meta({ action: "checkin.checkIn" })
    .input(checkInInput)
    .mutation(async ({ ctx, input }) => {
      const result = await checkIn({ ctx: ctx.core, input });
      const base = { practiceId: ctx.core.practiceId, at: new Date().toISOString(), memberId: result.memberId, name: result.displayName };
      // Instant rewards this visit unlocked reach the prompt from the pipeline (core events/live.ts).
      ctx.bus.publish({ type: "checked_in", ...base, method: input.method, points: result.pointsEarned });
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
    const [practice, setup] = await Promise.all([getPractice({ ctx: ctx.core }), kioskSetup(ctx.core)]);
    return {
      id: ctx.kiosk.deviceId,
      name: ctx.kiosk.name,
      /** camera or scanner: the kiosk offers its QR screen; null: the typed check-in code instead. */
      qrReader: setup.qrReader,
      practice: {
        name: practice.name,
        slug: practice.slug,
        status: practice.status,
        language: practice.language,
        timezone: practice.timezone,
      },
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

  /** A new short check-in code for the patient (8 digits, a few minutes, once; the earlier one stops working). */
  newCode: memberProcedure.mutation(({ ctx }) => issueCheckInCode(ctx.core, { secret: ctx.config.qrSecret })),

  /** The patient's QR code to show at the kiosk (signed member id, valid for this practice only). */
  myCode: memberProcedure.query(({ ctx }) => ({
    token: memberQrToken(ctx.config.qrSecret, ctx.member.practiceId, ctx.member.actor.id),
  })),
});
