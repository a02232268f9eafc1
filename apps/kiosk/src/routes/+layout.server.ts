import { redirect } from "@sveltejs/kit";
import { messages, withLang } from "#lib/i18n.js";
import { deviceInfo } from "#lib/server/device.js";
import { languageOf } from "#lib/server/lang.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import { resolve } from "$app/paths";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async (event) => {
  const lang = languageOf(event);
  const t = messages[lang];
  const device = await deviceInfo(event);
  // Until an admin pairs it, the kiosk shows the pairing screen and nothing else.
  if (!device && event.route.id !== "/pair") redirect(303, withLang(resolve("/pair"), lang));
  return { practiceName: device?.practiceName ?? TALLY_PRACTICE_NAME, paired: device !== null, lang, t };
};
