import { api } from "#lib/server/api.js";
import { practiceSlug } from "#lib/server/practice.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import type { LayoutServerLoad } from "./$types";

// Before sign-in the practice comes from the link (?practice=), the TALLY_PRACTICE override or the
// install's default practice (Settings → Practice).
export const load: LayoutServerLoad = async (event) => {
  // The page's language (hooks.server.ts); the browser reads the texts' language from it.
  const lang = event.locals.lang;
  const slug = await practiceSlug(event);
  const fallback = (notSetUp: boolean) => ({
    lang,
    notSetUp,
    practice: { slug: slug ?? "", name: TALLY_PRACTICE_NAME, status: "on" as const, timezone: "America/Chicago", programDescription: "" },
    practiceName: TALLY_PRACTICE_NAME,
  });
  // An install without a practice yet (TALLY_SEED=never, before setup): say so, kindly.
  if (!slug) return fallback(true);
  try {
    const p = await api(event).practice.public.query({ slug });
    return {
      lang,
      notSetUp: false,
      practice: { slug, name: p.name, status: p.status, timezone: p.timezone, programDescription: p.programDescription },
      practiceName: p.name,
    };
  } catch {
    const fallbackPractice = await api(event)
      .practice.default.query()
      .catch(() => undefined);
    return fallback(fallbackPractice === null);
  }
};
