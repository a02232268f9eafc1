import { fail, redirect } from "@sveltejs/kit";
import { isPairingCode } from "#lib/check-in.js";
import { withLang } from "#lib/i18n.js";
import { m } from "#lib/paraglide/messages.js";
import { errorCodeOf, publicApi, rememberDevice } from "#lib/server/api.js";
import { languageOf } from "#lib/server/lang.js";
import { resolve } from "$app/paths";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ parent }) => {
  const { paired, lang } = await parent();
  if (paired) redirect(303, withLang(resolve("/"), lang));
  return { idle: null };
};

export const actions: Actions = {
  default: async (event) => {
    const lang = languageOf(event);
    const code = String((await event.request.formData()).get("code") ?? "").replace(/\s/g, "");
    if (!isPairingCode(code)) return fail(400, { errors: { code: m.enterPairCode() }, values: { code } });
    let token: string;
    try {
      token = (await publicApi(event).checkin.pair.mutate({ code })).token;
    } catch (error) {
      const status = errorCodeOf(error);
      if (status === "UNAUTHORIZED" || status === "BAD_REQUEST")
        return fail(400, { errors: { code: m.pairInvalid() }, values: { code: "" } });
      if (status === "TOO_MANY_REQUESTS") return fail(429, { errors: { code: m.tooFast() }, values: { code: "" } });
      return fail(503, { errors: { code: m.unavailable() }, values: { code: "" } });
    }
    rememberDevice(event, token);
    redirect(303, withLang(resolve("/"), lang));
  },
};
