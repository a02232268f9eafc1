import { fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { intlLocale } from "@tally/ui/language";
import { m } from "#lib/paraglide/messages.js";
import { api, messageOf } from "#lib/server/api.js";
import { qrSvg } from "#lib/server/qr.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const profile = await client.members.profile.query();
  if (profile.status !== "member") return { profile, consents: null, checkin: null };
  const [consents, { token }, short] = await Promise.all([
    client.members.myConsents.query(),
    client.checkin.myCode.query(),
    // A fresh 8-digit code for a kiosk without a camera: minutes, once (it replaces the last one).
    client.checkin.newCode.mutate(),
  ]);
  // A kiosk's camera or scanner reads the QR code; the short code is typed on the keypad.
  return { profile, consents, checkin: { svg: await qrSvg(token), code: short.code, expiresAt: short.expiresAt } };
};

export const actions: Actions = {
  /** Full media consent: the event pipeline awards its points when a rule says so. */
  mediaConsent: async (event) => {
    const form = await event.request.formData();
    if (form.get("agree") !== "yes") return fail(400, { section: "consent" as const, message: m.consentTickBox(), ok: null });
    try {
      const r = await api(event).members.giveConsent.mutate({ kind: "media", full: true });
      const points = pointsGiven(r, event.locals.member?.id);
      return {
        section: "consent" as const,
        message: null,
        ok: points > 0 ? m.consentPointsAdded({ points: points.toLocaleString(intlLocale(event.locals.lang)) }) : m.consentSaved(),
      };
    } catch (error) {
      return fail(400, { section: "consent" as const, message: messageOf(error), ok: null });
    }
  },
  notifications: async (event) => {
    const form = await event.request.formData();
    const enabled = form.get("emailUpdates") === "on";
    try {
      await api(event).members.setEmailUpdates.mutate({ enabled });
      return {
        section: "notifications" as const,
        message: null,
        ok: enabled ? m.emailUpdatesOn() : m.emailUpdatesOff(),
      };
    } catch (error) {
      return fail(400, { section: "notifications" as const, message: messageOf(error), ok: null });
    }
  },
};
