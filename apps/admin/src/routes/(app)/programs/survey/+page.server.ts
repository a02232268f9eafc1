import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Survey questions");
  const questions = await api(event).engagement.surveyQuestions.query({ includeInactive: true });
  return { questions };
};

function read(form: FormData) {
  return {
    id: String(form.get("id") ?? "") || undefined,
    text: String(form.get("text") ?? "").trim(),
    position: String(form.get("position") ?? "0"),
    active: form.get("active") === "yes",
  };
}

export const actions: Actions = {
  save: async (event) => {
    const values = read(await event.request.formData());
    const position = Number.parseInt(values.position, 10);
    const errors: Record<string, string> = {};
    if (!values.text) errors.text = "Write the question as staff will ask it (a yes answer is positive).";
    if (!Number.isInteger(position) || position < 0 || position > 1000) errors.position = "Use a whole number from 0 to 1000.";
    if (Object.keys(errors).length > 0) return fail(400, { id: values.id ?? "new", values, errors, message: null });
    try {
      await api(event).engagement.saveSurveyQuestion.mutate({ id: values.id, text: values.text, position, active: values.active });
    } catch (e) {
      return fail(400, { id: values.id ?? "new", values, errors, message: messageOf(e) });
    }
    return { id: values.id ?? "new", ok: true, message: values.id ? "Question saved." : "Question added." };
  },
};
