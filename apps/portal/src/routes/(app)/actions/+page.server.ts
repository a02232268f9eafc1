import { fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  if (event.locals.member?.status !== "member") return { lead: true, prompts: [], requests: [], activities: [] };
  const client = api(event);
  const [prompts, requests, activities] = await Promise.all([
    client.approvals.actions.query(),
    client.members.myRequests.query({ limit: 100 }),
    client.engagement.marketplace.query(),
  ]);
  return { lead: false, prompts, requests, activities };
};

export const actions: Actions = {
  complete: async (event) => {
    const form = await event.request.formData();
    const rule = String(form.get("rule") ?? "");
    const response = String(form.get("response") ?? "").trim();
    if (!response)
      return fail(400, { rule, kind: "action" as const, error: "Write your answer first, then press Complete.", confirmation: null });
    try {
      const done = await api(event).approvals.completeAction.mutate({ rule, response });
      return { rule, kind: "action" as const, error: null, confirmation: done.confirmation ?? "Thanks! The practice will check it soon." };
    } catch (error) {
      const message =
        appCodeOf(error) === "LIMIT_REACHED" ? "You already completed this one as many times as it allows." : messageOf(error);
      return fail(400, { rule, kind: "action" as const, error: message, confirmation: null });
    }
  },
  participate: async (event) => {
    const form = await event.request.formData();
    const activityId = String(form.get("activityId") ?? "");
    const response = String(form.get("response") ?? "").trim();
    // A survey's answers, one field per question, in order (kept as typed when it is refused).
    const answers = form.getAll("answer").map((a) => String(a).trim());
    const kind = String(form.get("kind") ?? "");
    const values = { response, answers };
    if (kind === "contest" && !response)
      return fail(400, {
        rule: activityId,
        kind: "activity" as const,
        error: "Your entry is empty: write or link your entry first. An empty entry earns no points.",
        confirmation: null,
        values,
      });
    try {
      const result = await api(event).engagement.participate.mutate({ activityId, response, answers });
      const points = pointsGiven(result, event.locals.member?.id);
      return {
        rule: activityId,
        kind: "activity" as const,
        error: null,
        confirmation: points > 0 ? `Thanks for taking part! ${points} points are yours.` : "Thanks for taking part!",
        values: null,
      };
    } catch (error) {
      return fail(400, { rule: activityId, kind: "activity" as const, error: messageOf(error), confirmation: null, values });
    }
  },
};
