import { fail } from "@sveltejs/kit";
import { isIsoDate } from "@tally/rules/time";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [campaigns, referrals, practice] = await Promise.all([
    client.engagement.referralCampaigns.query(),
    client.engagement.referrals.query({}),
    client.practice.get.query(),
  ]);
  const counts = new Map<string, { invited: number; converted: number }>();
  for (const r of referrals) {
    const c = counts.get(r.campaignId) ?? { invited: 0, converted: 0 };
    if (r.status === "converted") c.converted++;
    else c.invited++;
    counts.set(r.campaignId, c);
  }
  return {
    admin: event.locals.staff?.role === "admin",
    timezone: practice.timezone,
    campaigns: campaigns.map((c) => ({ ...c, ...(counts.get(c.id) ?? { invited: 0, converted: 0 }) })),
  };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const values = {
      name: String(form.get("name") ?? "").trim(),
      kind: form.get("kind") === "seasonal" ? ("seasonal" as const) : ("standard" as const),
      description: String(form.get("description") ?? "").trim(),
      startsOn: String(form.get("startsOn") ?? ""),
      endsOn: String(form.get("endsOn") ?? ""),
    };
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = "Name the campaign, e.g. spring. Rules can test it as referral.campaign.";
    if (values.kind === "seasonal") {
      if (!isIsoDate(values.startsOn)) errors.startsOn = "A seasonal campaign needs its first day.";
      if (!isIsoDate(values.endsOn)) errors.endsOn = "A seasonal campaign needs its last day.";
      if (!errors.startsOn && !errors.endsOn && values.startsOn > values.endsOn)
        errors.endsOn = "The last day must be on or after the first day.";
    }
    if (Object.keys(errors).length > 0) return fail(400, { action: "create", values, errors, message: null, link: null });
    try {
      await api(event).engagement.createReferralCampaign.mutate({
        name: values.name,
        kind: values.kind,
        description: values.description,
        ...(values.kind === "seasonal" ? { startsOn: values.startsOn, endsOn: values.endsOn } : {}),
      });
    } catch (e) {
      return fail(400, { action: "create", values, errors, message: messageOf(e), link: null });
    }
    return { action: "create", ok: true, message: `Campaign “${values.name}” created.`, link: null };
  },

  /** An admin edits a campaign's description and dates (its name is what rules test, so it stays). */
  update: async (event) => {
    const form = await event.request.formData();
    const values = {
      id: String(form.get("id") ?? ""),
      description: String(form.get("description") ?? "").trim(),
      startsOn: String(form.get("startsOn") ?? ""),
      endsOn: String(form.get("endsOn") ?? ""),
    };
    const errors: Record<string, string> = {};
    if (values.startsOn && !isIsoDate(values.startsOn)) errors.startsOn = "Choose the first day, or leave it empty.";
    if (values.endsOn && !isIsoDate(values.endsOn)) errors.endsOn = "Choose the last day, or leave it empty.";
    if (!errors.startsOn && !errors.endsOn && values.startsOn && values.endsOn && values.startsOn > values.endsOn)
      errors.endsOn = "The last day must be on or after the first day.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "update", id: values.id, values, errors, message: null, link: null });
    try {
      const c = await api(event).engagement.updateReferralCampaign.mutate({
        id: values.id,
        description: values.description,
        startsOn: values.startsOn || null,
        endsOn: values.endsOn || null,
      });
      return { action: "update", id: values.id, ok: true, message: `Campaign “${c.name}” saved.`, link: null };
    } catch (e) {
      return fail(400, { action: "update", id: values.id, values, errors, message: messageOf(e), link: null });
    }
  },

  /** Ends a campaign now: patients no longer see it; links already sent still convert. */
  end: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    try {
      const c = await api(event).engagement.endReferralCampaign.mutate({ id });
      return { action: "end", id, ok: true, message: `Campaign “${c.name}” ended. Links already sent still count.`, link: null };
    } catch (e) {
      return fail(400, { action: "end", id, ok: false, message: messageOf(e), link: null });
    }
  },

  /** An invitation link on behalf of a patient, found by card number, email or name. */
  invite: async (event) => {
    const form = await event.request.formData();
    const values = {
      campaignId: String(form.get("campaignId") ?? ""),
      member: String(form.get("member") ?? "").trim(),
      inviteeName: String(form.get("inviteeName") ?? "").trim(),
      inviteeEmail: String(form.get("inviteeEmail") ?? "").trim(),
    };
    const errors: Record<string, string> = {};
    if (!values.campaignId) errors.campaignId = "Choose the campaign.";
    if (!values.member) errors.member = "Type the referring patient's card number, email or name.";
    if (values.inviteeEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.inviteeEmail))
      errors.inviteeEmail = "Enter an email like friend@example.com, or leave it empty.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "invite", values, errors, message: null, link: null });
    const client = api(event);
    const found = await client.members.search.query({ q: values.member, pageSize: 5 });
    const rows = found.items;
    if (rows.length !== 1) {
      errors.member =
        rows.length === 0
          ? "No patient matches. Check the spelling or use the card number."
          : `${rows.length} or more patients match. Use the card number or the full email.`;
      return fail(400, { action: "invite", values, errors, message: null, link: null });
    }
    const referrer = rows[0]!;
    try {
      const created = await client.engagement.inviteReferral.mutate({
        campaignId: values.campaignId,
        referrerId: referrer.id,
        inviteeName: values.inviteeName,
        ...(values.inviteeEmail ? { inviteeEmail: values.inviteeEmail } : {}),
      });
      const link = new URL(created.path, event.url.origin).toString();
      return { action: "invite", ok: true, message: `Invitation link for ${referrer.firstName} ${referrer.lastName}'s friend:`, link };
    } catch (e) {
      return fail(400, { action: "invite", values, errors, message: messageOf(e), link: null });
    }
  },
};
