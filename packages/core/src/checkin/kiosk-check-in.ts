// kioskCheckIn: a patient identified at the kiosk checks in. The visit is a `visit.checked_in`
// event (it may earn points and opens instant-reward windows); the answer is the little a kiosk
// may show: first name, last initial, points earned now, balance, milestone progress and the
// instant rewards ready to use.
import { pointsGiven } from "@tally/rules";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { loadSetup } from "../events/program.ts";
import { findMember } from "../members/shared.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { recordVisit } from "./check-in.ts";
import { type KioskWelcome, kioskWelcome } from "./kiosk-welcome.ts";

export const kioskCheckInInput = z.object({
  memberId: z.uuid(),
  method: z.enum(["card", "qr", "phone"]),
  at: z.coerce.date().optional(),
});

export interface KioskCheckInResult extends KioskWelcome {
  eventId: string | null;
  /** Points the check-in itself earned (e.g. a "points per visit" reward). */
  pointsEarned: number;
}

export async function kioskCheckIn({ ctx, input }: { ctx: Ctx; input: Input<typeof kioskCheckInInput> }): Promise<KioskCheckInResult> {
  authorize(ctx, "checkin.checkIn");
  const data = parseInput(kioskCheckInInput, input);
  const at = data.at ?? new Date();
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId);
    // Loaded once for the event and the welcome screen.
    const setup = await loadSetup(tx, ctx.practiceId);
    let eventId: string | null = null;
    let pointsEarned = 0;
    // A lead (self-registered, not yet converted) earns nothing: the visit is still welcomed.
    if (member.status === "member") {
      const { outcome } = await recordVisit(tx, ctx, { member, method: data.method, at, setup });
      eventId = outcome.eventId;
      pointsEarned = pointsGiven(outcome, member.id);
    }
    await audit(tx, ctx, {
      action: "checkin.checkIn",
      targetType: "member",
      targetId: member.id,
      details: { method: data.method, eventId, pointsEarned },
    });
    const welcome = await kioskWelcome(tx, ctx, member.id, at, setup);
    return { ...welcome, eventId, pointsEarned };
  });
}
