// Who is at the kiosk: by rewards card, check-in QR code (or its short typed form, the check-in
// code), or phone + date of birth.
// "Not found" and "wrong birth date" are one answer; repeated failures lock the device and the
// card/phone tried, and alert staff once; a shared family phone sends the patient to the desk.
import { members } from "@tally/db";
import { failsCardCheck, normalizeCardNumber, normalizePhone } from "@tally/rules";
import { and, eq, ne } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { writeAuthAudit } from "./audit.ts";
import { checkInCodeOf, useCheckInCode } from "./check-in-codes.ts";
import { attemptFailed, clearFailures, refundAttempt, type Subject, takeAttempt } from "./lockouts.ts";
import { readMemberQrToken } from "./tokens.ts";

export type KioskIdentifyInput =
  | { method: "card"; cardNumber: string }
  | { method: "qr"; token: string }
  /** The short check-in code from the portal (8 digits, minutes, once). */
  | { method: "code"; code: string }
  | { method: "phone"; phone: string; birthday: string };

/** How a visit is recorded: a check-in code is the QR code's typed form. */
export type VisitMethod = "card" | "qr" | "phone";
export const visitMethodOf = (input: KioskIdentifyInput): VisitMethod => (input.method === "code" ? "qr" : input.method);

export type KioskIdentifyResult =
  | { status: "found"; memberId: string; method: VisitMethod }
  | { status: "not_found" }
  /** Locked out, or several people share the phone: a person at the desk helps. */
  | { status: "see_front_desk"; reason: "locked" | "ambiguous" };

/** The card number as stored: swipe track data and separators removed (unchanged when not a card number). */
export const cardOf = (raw: string) => normalizeCardNumber(raw) ?? raw.trim();

/** A card the kiosk refuses without looking it up: the length Tally issues with a wrong check digit. */
export const refusedCard = (input: KioskIdentifyInput) => input.method === "card" && failsCardCheck(cardOf(input.cardNumber));

/** The subject of the per-person lockout: the card, phone or QR code tried, within the practice. */
export function kioskPersonSubject(practiceId: string, input: KioskIdentifyInput): string {
  const key =
    input.method === "card"
      ? `card:${cardOf(input.cardNumber)}`
      : input.method === "phone"
        ? `phone:${normalizePhone(input.phone)}`
        : input.method === "code"
          ? `code:${checkInCodeOf(input.code) ?? input.code.slice(0, 16)}`
          : `qr:${input.token.slice(0, 64)}`;
  return `${practiceId}:${key}`;
}

export async function identifyAtKiosk(
  ctx: Ctx,
  input: KioskIdentifyInput,
  options: { qrSecret: string; now?: Date },
): Promise<KioskIdentifyResult & { lockedNow?: boolean }> {
  // A check-in code counts like any other guess: against the device and the code tried.
  if (ctx.actor.kind !== "kiosk") throw new DomainError("FORBIDDEN", "Only a paired kiosk can do this.");
  const now = options.now ?? new Date();
  const device: Subject = { scope: "kiosk_device", subject: ctx.actor.id, practiceId: ctx.practiceId };
  const person: Subject = { scope: "kiosk_subject", subject: kioskPersonSubject(ctx.practiceId, input), practiceId: ctx.practiceId };

  // Attempts are counted before the guess is evaluated (device first, then the card/phone/code
  // tried), so however many arrive at once, no more than the limit are ever evaluated.
  const onDevice = await takeAttempt(ctx.db, device, now);
  if (!onDevice.allowed) return { status: "see_front_desk", reason: "locked" };
  // A card number with a wrong check digit is nobody's: no lookup, and no per-card counter (the
  // number names no one), but it is a failed attempt of this device.
  if (refusedCard(input)) {
    const d = await attemptFailed(ctx.db, onDevice, now);
    if (d.justLocked) {
      await lockoutAudit(ctx, "kiosk_device", ctx.actor.id, input.method);
      return { status: "see_front_desk", reason: "locked", lockedNow: true };
    }
    return { status: "not_found" };
  }
  const onPerson = await takeAttempt(ctx.db, person, now);
  if (!onPerson.allowed) {
    await refundAttempt(ctx.db, onDevice);
    return { status: "see_front_desk", reason: "locked" };
  }

  const live = and(eq(members.practiceId, ctx.practiceId), ne(members.status, "merged"));
  let found: { id: string }[] = [];
  if (input.method === "card") {
    found = await ctx.db
      .select({ id: members.id })
      .from(members)
      .where(and(live, eq(members.cardNumber, cardOf(input.cardNumber))));
  } else if (input.method === "qr") {
    const memberId = readMemberQrToken(options.qrSecret, ctx.practiceId, input.token);
    if (memberId)
      found = await ctx.db
        .select({ id: members.id })
        .from(members)
        .where(and(live, eq(members.id, memberId)));
  } else if (input.method === "code") {
    // Used up here, whether or not its patient is still a live member.
    const memberId = await useCheckInCode(ctx.db, ctx.practiceId, input.code, { secret: options.qrSecret, now });
    if (memberId)
      found = await ctx.db
        .select({ id: members.id })
        .from(members)
        .where(and(live, eq(members.id, memberId)));
  } else {
    // Both checks in one query, so a wrong birth date costs the same as an unknown phone.
    found = await ctx.db
      .select({ id: members.id })
      .from(members)
      .where(and(live, eq(members.phone, normalizePhone(input.phone)), eq(members.birthday, input.birthday)));
    if (found.length > 1) {
      await Promise.all([refundAttempt(ctx.db, onDevice), clearFailures(ctx.db, person)]);
      return { status: "see_front_desk", reason: "ambiguous" };
    }
  }

  const [match] = found;
  if (match) {
    // A right guess: the device's attempt no longer counts and the person's counter starts again.
    await Promise.all([refundAttempt(ctx.db, onDevice), clearFailures(ctx.db, person)]);
    return { status: "found", memberId: match.id, method: visitMethodOf(input) };
  }

  const [d, p] = [await attemptFailed(ctx.db, onDevice, now), await attemptFailed(ctx.db, onPerson, now)];
  if (d.justLocked || p.justLocked) {
    await lockoutAudit(ctx, d.justLocked ? "kiosk_device" : "kiosk_subject", d.justLocked ? ctx.actor.id : input.method, input.method);
    return { status: "see_front_desk", reason: "locked", lockedNow: true };
  }
  return { status: "not_found" };
}

/** The one alert of a lockout (audit `kiosk.lockout`). */
function lockoutAudit(ctx: Ctx, targetType: "kiosk_device" | "kiosk_subject", targetId: string, method: KioskIdentifyInput["method"]) {
  return ctx.db.transaction((tx) =>
    writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "kiosk.lockout",
      targetType,
      targetId,
      details: { device: ctx.actor.id, method },
    }),
  );
}
