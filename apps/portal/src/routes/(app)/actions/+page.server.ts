import { fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { intlLocale } from "@tally/ui/language";
import { m } from "#lib/paraglide/messages.js";
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
    if (!response) return fail(400, { rule, kind: "action" as const, error: m.writeAnswerFirst(), confirmation: null });
    try {
      const done = await api(event).approvals.completeAction.mutate({ rule, response });
      return { rule, kind: "action" as const, error: null, confirmation: done.confirmation ?? m.actionThanks() };
    } catch (error) {
      const message = appCodeOf(error) === "LIMIT_REACHED" ? m.actionLimitReached() : messageOf(error);
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
        error: m.entryEmpty(),
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
        confirmation:
          points > 0 ? m.thanksPointsYours({ points: points.toLocaleString(intlLocale(event.locals.lang)) }) : m.thanksTakingPart(),

        values: null,
      };
    } catch (error) {
      return fail(400, { rule: activityId, kind: "activity" as const, error: messageOf(error), confirmation: null, values });
    }
  },
};
