import { fail, redirect } from "@sveltejs/kit";
import { m } from "#lib/paraglide/messages.js";
import { href } from "#lib/paths.js";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const load: PageServerLoad = async (event) => {
  if (event.locals.member?.status !== "member") return { lead: true, campaigns: [], referrals: [] };
  // Referral rewards switched off (or the member excluded from rewards): no invitation to offer.
  const { practice } = await event.parent();
  if (!practice.referralRewards || practice.excludedFromRewards) redirect(303, href("/home"));
  const { campaigns, referrals } = await api(event).engagement.myReferrals.query();
  return { lead: false, campaigns, referrals };
};

export const actions: Actions = {
  /** A personal link to share; with an email, the invitation goes to the friend too. */
  invite: async (event) => {
    const form = await event.request.formData();
    const campaignId = String(form.get("campaignId") ?? "");
    const inviteeName = String(form.get("inviteeName") ?? "").trim();
    const inviteeEmail = String(form.get("inviteeEmail") ?? "").trim();
    const values = { inviteeName, inviteeEmail };
    if (inviteeEmail && !EMAIL.test(inviteeEmail))
      return fail(400, {
        values,
        errors: { inviteeEmail: m.friendEmailError() },

        message: null,
        link: null,
        emailed: false,
      });
    try {
      const r = await api(event).engagement.refer.mutate({ campaignId, inviteeName, inviteeEmail: inviteeEmail || undefined });
      return { values: { inviteeName: "", inviteeEmail: "" }, errors: {}, message: null, link: r.link, emailed: r.emailed };
    } catch (error) {
      return fail(400, { values, errors: {}, message: messageOf(error), link: null, emailed: false });
    }
  },
};
