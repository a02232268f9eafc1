import { localeOf } from "#lib/server/locale.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import type { LayoutServerLoad } from "./$types";

// `lang`: the screen texts' language, which the browser's messages read (hooks.client.ts).
export const load: LayoutServerLoad = ({ request }) => ({ practiceName: TALLY_PRACTICE_NAME, lang: localeOf(request) });
