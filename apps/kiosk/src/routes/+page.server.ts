import { endVisit } from "#lib/server/visits.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ cookies, parent }) => {
  // The next patient starts clean: whatever the last check-in left on this kiosk is dropped.
  endVisit(cookies);
  const { lang } = await parent();
  // In English the start screen is home already; in Spanish it goes back to the default language.
  return { idle: lang === "en" ? null : 60 };
};
