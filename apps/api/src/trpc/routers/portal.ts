// What a signed-in patient sees and does in the portal. The member is always the session's own:
// no procedure here takes a member id.

import {
  completeAction,
  findMember,
  getBalance,
  getPractice,
  ledgerHistory,
  listManualRewards,
  listRewards,
  memberQrToken,
  publicMember,
  redeemReward,
} from "@tally/core";
import { z } from "zod";
import { memberProcedure, router } from "../init.ts";

/** Leads (self-registered, not yet converted) may see the home page and their profile only. */
const leadOk = memberProcedure.meta({ allowLead: true });

export const portalRouter = router({
  /** Practice, greeting and balance. In test mode patients see no balance (SPEC: program status);
   *  when the program is off they still see it but cannot redeem. */
  home: leadOk.query(async ({ ctx }) => {
    const practice = await getPractice({ ctx: ctx.core });
    const isMember = ctx.member.status === "member";
    const balance =
      isMember && practice.status !== "test"
        ? (await getBalance({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })).balance
        : null;
    return {
      practice: { name: practice.name, slug: practice.slug, status: practice.status, programDescription: practice.programDescription },
      firstName: ctx.member.firstName,
      status: ctx.member.status,
      balance,
      canRedeem: isMember && practice.status === "on",
    };
  }),

  history: memberProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), before: z.coerce.date().optional() }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => {
      const practice = await getPractice({ ctx: ctx.core });
      if (practice.status === "test") return [];
      return ledgerHistory({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } });
    }),

  catalog: memberProcedure.query(({ ctx }) => listRewards({ ctx: ctx.core })),

  /** Redeem a catalog reward; the engine refuses it in test mode or when points are short. */
  redeem: memberProcedure
    .input(z.object({ rewardId: z.uuid(), idempotencyKey: z.string().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => redeemReward({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),

  profile: leadOk.query(async ({ ctx }) => {
    const m = publicMember(await findMember(ctx.core.db, ctx.core, ctx.member.actor.id));
    return {
      firstName: m.firstName,
      lastName: m.lastName,
      email: m.email,
      phone: m.phone,
      birthday: m.birthday,
      cardNumber: m.cardNumber,
      registered: m.registered,
      status: m.status,
    };
  }),

  /** Manual rewards the patient can complete (prompt, points, confirmation). */
  actions: memberProcedure.query(({ ctx }) => listManualRewards({ ctx: ctx.core })),

  /** "I did it": records a pending request for staff to approve; returns the confirmation text. */
  completeAction: memberProcedure
    .input(z.object({ rule: z.string().min(1).max(200), response: z.string().trim().max(2000).default("") }))
    .mutation(({ ctx, input }) => completeAction({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),

  /** The QR code to show at the kiosk (signed member id, valid for this practice only). */
  checkinCode: memberProcedure.query(({ ctx }) => ({
    token: memberQrToken(ctx.config.qrSecret, ctx.member.practiceId, ctx.member.actor.id),
  })),
});
