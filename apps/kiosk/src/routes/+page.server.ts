import { endVisit } from "#lib/server/visits.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ cookies, parent }) => {
  // The next patient starts clean: whatever the last check-in left on this kiosk is dropped.
  endVisit(cookies);
  const { lang, practiceLanguage } = await parent();
  // In the practice's language the start screen is home already; in the other it goes back.
  return { idle: lang === (practiceLanguage ?? "en") ? null : 60 };
};
