import { fail, redirect } from "@sveltejs/kit";
import { m } from "#lib/paraglide/messages.js";
import { kioskApi } from "#lib/server/api.js";
import { endVisit, surveyTicket } from "#lib/server/visits.js";
import { resolve } from "$app/paths";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const ticket = surveyTicket(event.cookies);
  const api = kioskApi(event);
  // Rendering the answer to the form just sent: the ticket is spent, the thanks need no questions.
  if (!ticket && event.request.method === "POST") return { questions: [], idle: 10 };
  if (!ticket || !api) redirect(303, resolve("/"));
  const survey = await api.checkin.visitSurvey.query({ ticket });
  if (survey.status !== "ok" || survey.questions.length === 0) redirect(303, resolve("/"));
  return { questions: survey.questions, idle: 60 };
};

export const actions: Actions = {
  default: async (event) => {
    const ticket = surveyTicket(event.cookies);
    const api = kioskApi(event);
    if (!ticket || !api) return fail(410, { errors: { form: m.surveyExpired() }, values: {} as Record<string, string> });
    const form = await event.request.formData();
    const values: Record<string, string> = {};
    for (const [key, value] of form) if (key.startsWith("q_")) values[key.slice(2)] = String(value);
    const survey = await api.checkin.visitSurvey.query({ ticket });
    if (survey.status !== "ok") return fail(410, { errors: { form: m.surveyExpired() }, values });
    const missing = survey.questions.filter((q) => values[q.id] !== "yes" && values[q.id] !== "no");
    if (missing.length > 0)
      return fail(400, { errors: { form: m.answerAll(), ...Object.fromEntries(missing.map((q) => [q.id, m.answerAll()])) }, values });
    const result = await api.checkin.submitVisitSurvey.mutate({
      ticket,
      answers: survey.questions.map((q) => ({ questionId: q.id, positive: values[q.id] === "yes" })),
    });
    if (result.status !== "submitted") return fail(410, { errors: { form: m.surveyExpired() }, values });
    // One survey per check-in: the ticket is gone with the visit.
    endVisit(event.cookies);
    return { done: true, perfect: result.perfect, pointsEarned: result.pointsEarned, idle: 10 };
  },
};
