import { randomUUID } from "node:crypto";
import { error, fail, redirect } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { type ConsentKind, consentLabels, detailFields, fieldOfError, readDetails } from "#lib/members/desk.js";
import { checkInShown, parseTags } from "#lib/members/profile.js";
import { href } from "#lib/paths.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const tabs = ["activity", "coupons", "milestones", "visits", "surveys", "messages"] as const;
export type Tab = (typeof tabs)[number];

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const memberId = event.params.id;
  const tab = (tabs as readonly string[]).includes(event.url.searchParams.get("tab") ?? "")
    ? (event.url.searchParams.get("tab") as Tab)
    : "activity";
  let profile: Awaited<ReturnType<ReturnType<typeof api>["members"]["get"]["query"]>>;
  try {
    profile = await client.members.get.query({ id: memberId });
  } catch (e) {
    const code = appCodeOf(e) ?? (e as { data?: { code?: string } }).data?.code;
    if (code === "NOT_FOUND" || code === "INVALID_INPUT" || code === "BAD_REQUEST") error(404, "No member with this id in your practice.");
    throw e;
  }
  const panel = event.url.searchParams.get("panel") ?? "";
  const isAdmin = event.locals.staff?.role === "admin";
  const mergeWith = panel === "merge" && isAdmin ? event.url.searchParams.get("with") : null;
  // The member's messages (Messages tab) and any undeliverable address (shown on every tab).
  const messagesOf = client.messages.ofMember.query({ memberId });
  messagesOf.catch(() => {}); // awaited below; a failure of the others first must not leave it unhandled
  const [ledger, milestones, coupons, surveys, questions, manualRewards, catalog, duplicates, consents, mergePreview, standing] =
    await Promise.all([
      client.ledger.history.query({ memberId, limit: 100 }),
      client.members.milestones.query({ memberId }),
      client.members.coupons.query({ memberId }),
      tab === "surveys" ? client.engagement.surveyResponses.query({ memberId }) : Promise.resolve([]),
      client.engagement.surveyQuestions.query({ includeInactive: false }),
      client.approvals.manualRewards.query(),
      panel === "redeem" ? client.catalog.rewards.query() : Promise.resolve([]),
      profile.member.status === "member" ? client.members.duplicates.query({ memberId }) : Promise.resolve([]),
      client.members.consents.query({ memberId }),
      mergeWith
        ? client.members.mergePreview
            .query({ sourceId: mergeWith, targetId: memberId })
            .then((preview) => ({ preview, error: null }))
            .catch((e) => ({ preview: null, error: messageOf(e) }))
        : Promise.resolve(null),
      // Tier as of now, the next points to expire, points not yet available (SPEC 7).
      client.members.standing.query({ memberId }),
    ]);
  // The access audit (admins): the latest staff reads of this member's records.
  const accessLog = isAdmin ? await client.security.accessLog.query({ memberId, limit: 5 }) : [];
  return {
    tab,
    profile,
    accessLog,
    ledger,
    milestones,
    standing,
    coupons,
    surveys,
    questions: questions.filter((q) => q.active).map((q) => ({ id: q.id, text: q.text })),
    manualRewards: manualRewards.map((r) => ({ name: r.name, points: r.points, coupons: r.coupons, limit: r.limit })),
    catalog: catalog.map((r) => ({ id: r.id, name: r.name, kind: r.kind, pointsPrice: r.pointsPrice, description: r.description })),
    duplicates,
    consents,
    merge: mergeWith ? { withId: mergeWith, ...mergePreview! } : null,
    messages: await messagesOf,
    isAdmin,
    // A fresh key per page view: a double-clicked award or redemption is written once.
    adjustKey: randomUUID(),
  };
};

export const actions: Actions = {
  /** Resend one of the member's messages (Messages tab). */
  resendMessage: async (event) => {
    const form = await event.request.formData();
    try {
      await api(event).messages.resend.mutate({ messageId: String(form.get("messageId") ?? "") });
      return { resent: String(form.get("to") ?? "") };
    } catch (e) {
      return fail(400, { resendError: messageOf(e) });
    }
  },
  /** The patient fixed their mailbox or number: lift its undeliverable mark (Messages tab). */
  clearUndeliverable: async (event) => {
    const form = await event.request.formData();
    const channel = form.get("channel") === "sms" ? "sms" : "email";
    try {
      await api(event).messages.clearUndeliverable.mutate({ memberId: event.params.id, channel });
      return { undeliverableCleared: channel };
    } catch (e) {
      return fail(400, { clearError: messageOf(e) });
    }
  },
  adjust: async (event) => {
    const form = await event.request.formData();
    const direction = String(form.get("direction") ?? "award");
    const amount = String(form.get("points") ?? "").trim();
    const note = String(form.get("note") ?? "").trim();
    const key = String(form.get("key") ?? "");
    const values = { direction, points: amount, note };
    const errors: Partial<Record<"points" | "note", string>> = {};
    const n = Number(amount);
    if (!/^\d+$/.test(amount) || n <= 0) errors.points = "Enter a whole number of points above 0.";
    if (!note) errors.note = "Add a note that says why (it shows on the patient's history).";
    if (Object.keys(errors).length) return fail(400, { adjust: { values, errors, message: null } });
    try {
      await api(event).ledger.adjust.mutate({
        memberId: event.params.id,
        points: direction === "deduct" ? -n : n,
        note,
        idempotencyKey: key ? `admin-adjust:${key}` : undefined,
      });
    } catch (e) {
      // The server's refusal goes next to the field it is about (the balance, the points, the note).
      const placed = fieldOfError(e, ["points", "note"] as const, messageOf(e));
      const refused: typeof errors = {};
      if (appCodeOf(e) === "INSUFFICIENT_POINTS") refused.points = `${messageOf(e)} Deduct at most the balance.`;
      else if (placed.field) refused[placed.field] = placed.message;
      const whole = refused.points || refused.note ? null : placed.message;
      return fail(400, { adjust: { values, errors: refused, message: whole } });
    }
    return { adjusted: { points: direction === "deduct" ? -n : n } };
  },

  survey: async (event) => {
    const form = await event.request.formData();
    const ids = form.getAll("question").map(String);
    const answers = ids.map((id) => ({ questionId: id, value: String(form.get(`answer-${id}`) ?? "") }));
    const missing = answers.filter((a) => a.value !== "yes" && a.value !== "no").map((a) => a.questionId);
    const chosen = Object.fromEntries(answers.filter((a) => a.value === "yes" || a.value === "no").map((a) => [a.questionId, a.value]));
    if (ids.length === 0 || missing.length) {
      return fail(400, {
        survey: {
          missing,
          chosen,
          message: `Answer every question (Yes or No) before submitting: ${missing.length} of ${ids.length} unanswered.`,
        },
      });
    }
    try {
      const result = await api(event).engagement.submitSurvey.mutate({
        memberId: event.params.id,
        answers: answers.map((a) => ({ questionId: a.questionId, positive: a.value === "yes" })),
      });
      return {
        surveyDone: {
          perfect: result.perfect,
          points: pointsGiven(result, event.params.id),
          awards: result.awards.map((a) => ({ rule: a.rule, points: a.points })),
          phases: result.phases.map((p) => ({ rule: p.rule, phase: p.phase })),
          coupons: result.coupons.map((c) => c.coupon),
        },
      };
    } catch (e) {
      return fail(400, { survey: { missing: [] as string[], chosen, message: messageOf(e) } });
    }
  },

  connectCard: async (event) => {
    const form = await event.request.formData();
    const card = String(form.get("card") ?? "").trim();
    if (!card) return fail(400, { card: { value: card, error: "Type the card number or swipe the card." } });
    try {
      const m = await api(event).members.connectCard.mutate({ id: event.params.id, card });
      return { cardConnected: m.cardNumber };
    } catch (e) {
      return fail(400, { card: { value: card, error: messageOf(e) } });
    }
  },

  invite: async (event) => {
    try {
      const inv = await api(event).members.invite.mutate({ memberId: event.params.id });
      return { invited: inv.email };
    } catch (e) {
      return fail(400, { inviteError: messageOf(e) });
    }
  },

  tags: async (event) => {
    const form = await event.request.formData();
    const remove = form.getAll("remove").map(String).filter(Boolean);
    const typed = String(form.get("add") ?? "");
    const parsed = remove.length && !typed.trim() ? { tags: [], error: null } : parseTags(typed);
    if (parsed.error) return fail(400, { tags: { value: typed, error: parsed.error } });
    try {
      const m = await api(event).members.setTags.mutate({ id: event.params.id, add: parsed.tags, remove });
      return { tagsSaved: { added: parsed.tags.filter((t) => m.tags.includes(t)), removed: remove, tags: m.tags } };
    } catch (e) {
      return fail(400, { tags: { value: typed, error: messageOf(e) } });
    }
  },

  exclusion: async (event) => {
    const form = await event.request.formData();
    const excluded = String(form.get("excluded")) === "true";
    try {
      const r = await api(event).members.setExclusion.mutate({ memberId: event.params.id, excluded });
      return { exclusionSaved: r.excluded };
    } catch (e) {
      return fail(400, { erase: { error: messageOf(e) } });
    }
  },

  erase: async (event) => {
    const form = await event.request.formData();
    try {
      await api(event).members.erase.mutate({ memberId: event.params.id, confirmLastName: String(form.get("confirmLastName") ?? "") });
    } catch (e) {
      return fail(400, { erase: { error: messageOf(e) } });
    }
    redirect(303, href(`/members/${event.params.id}?erased=1`));
  },

  checkIn: async (event) => {
    try {
      const answer = await api(event).checkin.byStaff.mutate({ method: "staff", memberId: event.params.id });
      return { checkedIn: checkInShown(answer) };
    } catch (e) {
      return fail(400, { checkInError: messageOf(e) });
    }
  },

  update: async (event) => {
    const { values, errors, input } = readDetails(await event.request.formData());
    if (Object.keys(errors).length) return fail(400, { details: { values, errors, message: null as string | null } });
    try {
      await api(event).members.update.mutate({ id: event.params.id, ...input, firstName: values.firstName, lastName: values.lastName });
    } catch (e) {
      const placed = fieldOfError(e, detailFields, messageOf(e));
      const refused: typeof errors = {};
      if (placed.field) refused[placed.field] = placed.message;
      return fail(400, { details: { values, errors: refused, message: placed.field ? null : placed.message } });
    }
    return { detailsSaved: true };
  },

  consent: async (event) => {
    const form = await event.request.formData();
    const kind = String(form.get("kind") ?? "") as ConsentKind;
    if (!(kind in consentLabels)) return fail(400, { consent: { kind, error: "Choose which consent the patient gives." } });
    try {
      const r = await api(event).members.recordConsent.mutate({ memberId: event.params.id, kind, full: true });
      return {
        consentRecorded: {
          kind,
          already: r.already,
          points: r.awards.filter((a) => a.member === event.params.id).reduce((s, a) => s + a.points, 0),
          rules: r.awards.map((a) => a.rule),
        },
      };
    } catch (e) {
      return fail(400, { consent: { kind, error: messageOf(e) } });
    }
  },

  reward: async (event) => {
    const form = await event.request.formData();
    const rule = String(form.get("rule") ?? "");
    const note = String(form.get("note") ?? "").trim();
    try {
      const r = await api(event).approvals.completeForMember.mutate({ memberId: event.params.id, rule, note });
      return { rewarded: { rule: r.rule, points: r.points, coupons: r.coupons, approvedPatientRequest: r.approvedPatientRequest } };
    } catch (e) {
      return fail(400, { reward: { rule, note, error: messageOf(e) } });
    }
  },

  redeem: async (event) => {
    const form = await event.request.formData();
    const rewardId = String(form.get("rewardId") ?? "");
    const key = String(form.get("key") ?? "");
    if (!rewardId) return fail(400, { redeem: { rewardId, error: "Choose the reward the patient wants." } });
    try {
      const r = await api(event).redemption.redeem.mutate({
        memberId: event.params.id,
        rewardId,
        idempotencyKey: key ? `desk-redeem:${key}:${rewardId}` : undefined,
      });
      return {
        redeemed: {
          name: r.rewardName,
          points: r.points,
          balance: r.balance,
          status: r.status,
          kind: r.kind,
          coupon: !!r.fulfilment.couponId,
        },
      };
    } catch (e) {
      const code = appCodeOf(e);
      const message =
        code === "INSUFFICIENT_POINTS" ? "Not enough points for this reward: the balance does not cover its price." : messageOf(e);
      return fail(400, { redeem: { rewardId, error: message } });
    }
  },

  useCoupon: async (event) => {
    const form = await event.request.formData();
    const couponId = String(form.get("couponId") ?? "");
    const name = String(form.get("name") ?? "The coupon");
    const expires = String(form.get("expires") ?? "");
    try {
      await api(event).coupons.use.mutate({ couponId });
      return { couponUsed: name };
    } catch (e) {
      const message = /expired/.test(messageOf(e))
        ? `${name} expired${expires ? ` on ${expires}` : ""}: it can no longer be used.`
        : messageOf(e);
      return fail(400, { coupon: { couponId, error: message } });
    }
  },

  merge: async (event) => {
    const form = await event.request.formData();
    const otherId = String(form.get("otherId") ?? "");
    const keep = String(form.get("keep") ?? "this");
    const [sourceId, targetId] = keep === "other" ? [event.params.id, otherId] : [otherId, event.params.id];
    let survivor: string;
    let moved: number;
    try {
      const r = await api(event).members.merge.mutate({ sourceId, targetId });
      survivor = r.member.id;
      moved = r.pointsMoved;
    } catch (e) {
      return fail(400, { merge: { error: messageOf(e) } });
    }
    redirect(303, href(`/members/${survivor}?merged=${moved}`));
  },
};
