import { randomUUID } from "node:crypto";
import { error, fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { checkInShown, parseTags } from "#lib/members/profile.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const tabs = ["activity", "coupons", "milestones", "visits", "surveys"] as const;
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
  const [ledger, milestones, coupons, surveys, questions] = await Promise.all([
    client.ledger.history.query({ memberId, limit: 100 }),
    client.members.milestones.query({ memberId }),
    tab === "coupons" ? client.members.coupons.query({ memberId }) : Promise.resolve([]),
    tab === "surveys" ? client.engagement.surveyResponses.query({ memberId }) : Promise.resolve([]),
    client.engagement.surveyQuestions.query({ includeInactive: false }),
  ]);
  return {
    tab,
    profile,
    ledger,
    milestones,
    coupons,
    surveys,
    questions: questions.filter((q) => q.active).map((q) => ({ id: q.id, text: q.text })),
    // A fresh key per page view: a double-clicked award is written once.
    adjustKey: randomUUID(),
  };
};

export const actions: Actions = {
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
      const message = appCodeOf(e) === "INSUFFICIENT_POINTS" ? "The balance is too low to deduct that many points." : messageOf(e);
      return fail(400, { adjust: { values, errors, message } });
    }
    return { adjusted: { points: direction === "deduct" ? -n : n } };
  },

  survey: async (event) => {
    const form = await event.request.formData();
    const ids = form.getAll("question").map(String);
    const answers = ids.map((id) => ({ questionId: id, value: String(form.get(`answer-${id}`) ?? "") }));
    const missing = answers.filter((a) => a.value !== "yes" && a.value !== "no").map((a) => a.questionId);
    if (ids.length === 0 || missing.length) {
      return fail(400, { survey: { missing, message: "Answer every question (Yes or No) before submitting." } });
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
      return fail(400, { survey: { missing: [] as string[], message: messageOf(e) } });
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

  checkIn: async (event) => {
    try {
      const answer = await api(event).checkin.byStaff.mutate({ method: "staff", memberId: event.params.id });
      return { checkedIn: checkInShown(answer) };
    } catch (e) {
      return fail(400, { checkInError: messageOf(e) });
    }
  },
};
