import { fail } from "@sveltejs/kit";
import { addDays, isIsoDate, startOfLocalDay } from "@tally/rules/time";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const kinds = ["contest", "survey", "social_post"] as const;

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [activities, practice] = await Promise.all([client.engagement.activities.query(), client.practice.get.query()]);
  return { activities, timezone: practice.timezone, admin: event.locals.staff?.role === "admin" };
};

export const actions: Actions = {
  save: async (event) => {
    const form = await event.request.formData();
    const values = {
      id: String(form.get("id") ?? ""),
      kind: String(form.get("kind") ?? ""),
      title: String(form.get("title") ?? "").trim(),
      description: String(form.get("description") ?? "").trim(),
      startsOn: String(form.get("startsOn") ?? ""),
      endsOn: String(form.get("endsOn") ?? ""),
      active: form.get("active") === "yes",
      /** A survey's questions, one a line. */
      questions: String(form.get("questions") ?? ""),
    };
    const questions = values.questions
      .split(/\r?\n/)
      .map((q) => q.trim())
      .filter(Boolean);
    const errors: Record<string, string> = {};
    if (!kinds.includes(values.kind as (typeof kinds)[number])) errors.kind = "Choose contest, survey or social post.";
    if (!values.title) errors.title = "Give the activity a title patients will see.";
    if (values.kind === "survey" && questions.length === 0) errors.questions = "Write the survey's questions, one a line.";
    if (questions.length > 20) errors.questions = "A survey has at most 20 questions.";
    if (values.startsOn && !isIsoDate(values.startsOn)) errors.startsOn = "Choose a date, or leave it empty.";
    if (values.endsOn && !isIsoDate(values.endsOn)) errors.endsOn = "Choose a date, or leave it empty.";
    if (!errors.startsOn && !errors.endsOn && values.startsOn && values.endsOn && values.startsOn > values.endsOn)
      errors.endsOn = "The last day must be on or after the first day.";
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, message: null });
    const { timezone } = await api(event).practice.get.query();
    try {
      await api(event).engagement.saveActivity.mutate({
        ...(values.id ? { id: values.id } : {}),
        kind: values.kind as (typeof kinds)[number],
        title: values.title,
        description: values.description,
        questions: values.kind === "survey" ? questions : [],
        active: values.active,
        startsAt: values.startsOn ? startOfLocalDay(values.startsOn, timezone) : null,
        endsAt: values.endsOn ? startOfLocalDay(addDays(values.endsOn, 1), timezone) : null,
      });
    } catch (e) {
      return fail(400, { values, errors, message: messageOf(e) });
    }
    return {
      values: null,
      errors: {},
      ok: true,
      message: values.id ? `“${values.title}” saved.` : `“${values.title}” added to the marketplace.`,
    };
  },
};
