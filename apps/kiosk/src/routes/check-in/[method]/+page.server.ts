import { error, fail } from "@sveltejs/kit";
import { checkEntry, isMethod, normalizeCard, parseBirthDate } from "#lib/check-in.js";
import { messages } from "#lib/i18n.js";
import { attemptCheckIn } from "#lib/server/check-in.js";
import { languageOf } from "#lib/server/lang.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ params }) => {
  if (!isMethod(params.method)) error(404, "Not found");
  return { method: params.method, idle: 60 };
};

export const actions: Actions = {
  // The form posts to the page's own URL, so ?lang= comes along and the answer is in the right language.
  default: async (event) => {
    const method = event.params.method;
    if (!isMethod(method)) error(404, "Not found");
    const lang = languageOf(event);
    const t = messages[lang];
    const form = await event.request.formData();
    const field = (name: string) => String(form.get(name) ?? "").trim();

    if (method === "card") {
      const card = field("card");
      const problem = checkEntry("card", card);
      if (problem) return fail(400, { errors: { card: t[problem] }, values: { card } });
      return attemptCheckIn(event, lang, { method: "card", cardNumber: normalizeCard(card) }, { card });
    }
    if (method === "qr") {
      const code = field("code");
      const problem = checkEntry("qr", code);
      if (problem) return fail(400, { errors: { code: t[problem] }, values: { code } });
      return attemptCheckIn(event, lang, { method: "qr", token: code }, {});
    }
    const phone = field("phone");
    const birthdayText = field("birthday");
    const birthday = parseBirthDate(birthdayText, lang);
    const errors: Record<string, string> = {};
    const phoneProblem = checkEntry("phone", phone);
    if (phoneProblem) errors.phone = t[phoneProblem];
    if (!birthday) errors.birthday = t.enterBirthDate;
    if (Object.keys(errors).length > 0 || !birthday) return fail(400, { errors, values: { phone, birthday: birthdayText } });
    return attemptCheckIn(
      event,
      lang,
      { method: "phone", phone: phone.replace(/\D/g, "").replace(/^1(\d{10})$/, "$1"), birthday },
      { phone, birthday: birthdayText },
    );
  },
};
