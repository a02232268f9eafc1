import { redirect } from "@sveltejs/kit";
import { methodsFor } from "#lib/check-in.js";
import { withLang } from "#lib/i18n.js";
import { deviceInfo } from "#lib/server/device.js";
import { languageOf } from "#lib/server/lang.js";
import { unpairedPractice } from "#lib/server/practice.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import { resolve } from "$app/paths";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = async (event) => {
  const lang = languageOf(event);
  const device = await deviceInfo(event);
  if (device)
    return {
      practiceName: device.practiceName,
      paired: true,
      notSetUp: false,
      lang,
      // The screen the start screen and the idle timer return to is in the practice's language.
      practiceLanguage: device.language,
      timezone: device.timezone,
      methods: methodsFor(device.qrReader),
    };
  const practice = await unpairedPractice(event);
  // An empty install (no practice yet): a kind "not set up" screen, nothing to pair with.
  if (practice.notSetUp)
    return { practiceName: TALLY_PRACTICE_NAME, paired: false, notSetUp: true, lang, practiceLanguage: null, methods: methodsFor(null) };
  // Until an admin pairs it, the kiosk shows the pairing screen and nothing else.
  if (event.route.id !== "/pair") redirect(303, withLang(resolve("/pair"), lang));
  return {
    practiceName: practice.name ?? TALLY_PRACTICE_NAME,
    paired: false,
    notSetUp: false,
    lang,
    practiceLanguage: null,
    methods: methodsFor(null),
  };
};
