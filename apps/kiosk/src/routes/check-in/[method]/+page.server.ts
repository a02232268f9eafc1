import { error, fail, redirect } from "@sveltejs/kit";
import { checkEntry, checkInCode, isMethod, normalizeCard, parseBirthDate } from "#lib/check-in.js";
import { withLang } from "#lib/i18n.js";
import { m } from "#lib/paraglide/messages.js";
import { attemptCheckIn } from "#lib/server/check-in.js";
import { deviceInfo } from "#lib/server/device.js";
import { languageOf } from "#lib/server/lang.js";
import { resolve } from "$app/paths";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { params } = event;
  if (!isMethod(params.method)) error(404, "Not found");
  const qrReader = (await deviceInfo(event))?.qrReader ?? null;
  // The QR screen only where a camera or scanner reads codes; elsewhere the code is typed.
  if (params.method === "qr" && !qrReader) redirect(303, withLang(resolve("/check-in/[method]", { method: "code" }), languageOf(event)));
  return { method: params.method, qrReader, idle: 60 };
};

export const actions: Actions = {
  // The form posts to the page's own URL, so ?lang= comes along and the answer is in the right language.
  default: async (event) => {
    const method = event.params.method;
    if (!isMethod(method)) error(404, "Not found");
    const lang = languageOf(event);
    const form = await event.request.formData();
    const field = (name: string) => String(form.get(name) ?? "").trim();

    if (method === "card") {
      const card = field("card");
      const problem = checkEntry("card", card);
      if (problem) return fail(400, { errors: { card: m[problem]() }, values: { card } });
      return attemptCheckIn(event, lang, { method: "card", cardNumber: normalizeCard(card) }, { card });
    }
    if (method === "qr" || method === "code") {
      // The QR screen's field takes a scanned token or a typed check-in code; the code screen a code.
      const code = field("code");
      const short = checkInCode(code);
      const problem = short ? null : checkEntry(method, code);
      if (problem) return fail(400, { errors: { code: m[problem]() }, values: { code } });
      return attemptCheckIn(event, lang, short ? { method: "code", code: short } : { method: "qr", token: code }, {});
    }
    const phone = field("phone");
    const birthdayText = field("birthday");
    const birthday = parseBirthDate(birthdayText, lang);
    const errors: Record<string, string> = {};
    const phoneProblem = checkEntry("phone", phone);
    if (phoneProblem) errors.phone = m[phoneProblem]();
    if (!birthday) errors.birthday = m.enterBirthDate();
    if (Object.keys(errors).length > 0 || !birthday) return fail(400, { errors, values: { phone, birthday: birthdayText } });
    return attemptCheckIn(
      event,
      lang,
      { method: "phone", phone: phone.replace(/\D/g, "").replace(/^1(\d{10})$/, "$1"), birthday },
      { phone, birthday: birthdayText },
    );
  },
};
