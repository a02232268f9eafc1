// Messages to patients: the staff's Messages page (what was sent to whom, status, the provider's
// reason, resend), a member's messages on their profile, the practice's delivery settings (admin),
// and the member's own preferences per kind and channel (portal).
import {
  clearUndeliverable,
  clearUndeliverableInput,
  getMessagePreferences,
  getMessagingSettings,
  listMemberMessages,
  listMessages,
  listMessagesInput,
  resendMessage,
  resendMessageInput,
  setMessagePreference,
  setMessagePreferenceInput,
  updateMessagingSettings,
  updateMessagingSettingsInput,
} from "@tally/core";
import { z } from "zod";
import { drainSoon } from "../../messages/run.ts";
import { memberProcedure, router, staffProcedure } from "../init.ts";

export const messagesRouter = router({
  list: staffProcedure
    .meta({ action: "messages.list" })
    .input(listMessagesInput.optional())
    .query(({ ctx, input }) => listMessages({ ctx: ctx.core, input: input ?? {} })),
  /** On the member's profile: their messages and any address that cannot be written to (hard bounce, STOP). */
  ofMember: staffProcedure
    .meta({ action: "messages.list" })
    .input(z.object({ memberId: z.uuid() }))
    .query(({ ctx, input }) => listMemberMessages({ ctx: ctx.core, input })),
  /** The patient fixed their mailbox or number: staff lift its undeliverable mark. */
  clearUndeliverable: staffProcedure
    .meta({ action: "messages.resend" })
    .input(clearUndeliverableInput)
    .mutation(({ ctx, input }) => clearUndeliverable({ ctx: ctx.core, input })),
  resend: staffProcedure
    .meta({ action: "messages.resend" })
    .input(resendMessageInput)
    .mutation(async ({ ctx, input }) => {
      const r = await resendMessage({ ctx: ctx.core, input });
      await drainSoon(ctx);
      return r;
    }),
  settings: staffProcedure.meta({ action: "messages.settings" }).query(({ ctx }) => getMessagingSettings({ ctx: ctx.core })),
  updateSettings: staffProcedure
    .meta({ action: "messages.settings" })
    .input(updateMessagingSettingsInput)
    .mutation(({ ctx, input }) => updateMessagingSettings({ ctx: ctx.core, input })),
  /** A member's choices, as staff set them on their behalf. */
  preferencesOf: staffProcedure
    .meta({ action: "messages.preferences" })
    .input(z.object({ memberId: z.uuid() }))
    .query(({ ctx, input }) => getMessagePreferences({ ctx: ctx.core, input })),
  /** The signed-in patient's own choices (portal). */
  myPreferences: memberProcedure.query(({ ctx }) => getMessagePreferences({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),
  setMyPreference: memberProcedure
    .input(setMessagePreferenceInput.omit({ memberId: true }))
    .mutation(({ ctx, input }) => setMessagePreference({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  setPreference: staffProcedure
    .meta({ action: "messages.preferences" })
    .input(setMessagePreferenceInput)
    .mutation(({ ctx, input }) => setMessagePreference({ ctx: ctx.core, input })),
});
