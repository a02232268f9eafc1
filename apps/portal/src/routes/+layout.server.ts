import { api } from "#lib/server/api.js";
import { practiceSlug } from "#lib/server/practice.js";
import { TALLY_PRACTICE_NAME } from "$app/env/private";
import type { LayoutServerLoad } from "./$types";

// Before sign-in the practice comes from the link (?practice=) or the portal's default.
export const load: LayoutServerLoad = async (event) => {
  const slug = practiceSlug(event.url, event.cookies);
  try {
    const p = await api(event).practice.public.query({ slug });
    return {
      practice: { slug, name: p.name, status: p.status, timezone: p.timezone, programDescription: p.programDescription },
      practiceName: p.name,
    };
  } catch {
    // An install without any practice yet (TALLY_SEED=never, before setup): say so, kindly.
    const fallback = await api(event)
      .practice.default.query()
      .catch(() => undefined);
    return {
      notSetUp: fallback === null,
      practice: { slug, name: TALLY_PRACTICE_NAME, status: "on" as const, timezone: "America/Chicago", programDescription: "" },
      practiceName: TALLY_PRACTICE_NAME,
    };
  }
};
