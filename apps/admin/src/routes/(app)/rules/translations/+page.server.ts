// Texts in Spanish: every text of the practice that patients read — rewards, survey questions, the
// program description, and the rules' names, prompts and confirmations (stored by rule name beside
// the rule set) — with a Spanish field each. Empty: patients read the text as written.
import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

const subjects = ["reward", "survey_question", "practice", "rule"] as const;
type Subject = (typeof subjects)[number];

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Rules");
  return { texts: await api(event).translations.texts.query() };
};

export const actions: Actions = {
  save: async (event) => {
    const form = await event.request.formData();
    const subject = subjects.find((s) => s === form.get("subject")) as Subject | undefined;
    const key = String(form.get("key") ?? "");
    if (!subject || !key) return fail(400, { error: "Choose a text to translate.", key });
    // Fields arrive as es.<field>: the Spanish of each field of the text.
    const es: Record<string, string> = {};
    for (const [name, value] of form.entries()) if (name.startsWith("es.") && typeof value === "string") es[name.slice(3)] = value.trim();
    try {
      await api(event).translations.set.mutate({ subject, key, translations: { es } });
      return { saved: key };
    } catch (e) {
      return fail(400, { error: messageOf(e), key });
    }
  },
};
