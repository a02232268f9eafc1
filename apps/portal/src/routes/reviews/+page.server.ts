import { error } from "@sveltejs/kit";
import { api } from "#lib/server/api.js";
import { practiceSlug } from "#lib/server/practice.js";
import type { PageServerLoad } from "./$types";

// The practice's public review page: anyone may read it, no sign-in (share /portal/reviews?practice=<slug>).
export const load: PageServerLoad = async (event) => {
  const slug = await practiceSlug(event);
  if (!slug) error(404, "This practice has no review page.");
  const page = await api(event).engagement.publicReviews.query({ slug });
  if (!page.practice) error(404, "This practice has no review page.");
  return { reviewPage: page, signedIn: Boolean(event.locals.member) };
};
