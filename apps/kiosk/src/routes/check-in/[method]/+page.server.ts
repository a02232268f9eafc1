import { error, fail } from "@sveltejs/kit";
import { checkEntry, isMethod } from "#lib/check-in.js";
import { messages } from "#lib/i18n.js";
import { languageOf } from "#lib/server/lang.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ params }) => {
  if (!isMethod(params.method)) error(404, "Not found");
  return { method: params.method };
};

export const actions: Actions = {
  // The form posts to the page's own URL, so ?lang= comes along and the answer is in the right language.
  default: async (event) => {
    if (!isMethod(event.params.method)) error(404, "Not found");
    const t = messages[languageOf(event)];
    const value = String((await event.request.formData()).get("value") ?? "");
    const problem = checkEntry(event.params.method, value);
    if (problem) return fail(400, { value, error: t[problem], message: null });
    // Check-in arrives with its own issue (it will call the API's checkIn.start here).
    return fail(503, { value, error: null, message: t.notYet });
  },
};
