import { messages } from "#lib/i18n.js";
import { languageOf } from "#lib/server/lang.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = (event) => {
  const lang = languageOf(event);
  return { practiceName: TALLY_PRACTICE_NAME, lang, t: messages[lang] };
};
