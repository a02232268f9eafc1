import { error } from "@sveltejs/kit";
import { m } from "#lib/paraglide/messages.js";
import { api } from "#lib/server/api.js";
import { practiceSlug } from "#lib/server/practice.js";
import type { PageServerLoad } from "./$types";

// The practice's public review page: anyone may read it, no sign-in (share /portal/reviews?practice=<slug>).
export const load: PageServerLoad = async (event) => {
  const slug = await practiceSlug(event);
  if (!slug) error(404, m.noReviewPage());
  const page = await api(event).engagement.publicReviews.query({ slug });
  if (!page.practice) error(404, m.noReviewPage());
  return { reviewPage: page, signedIn: Boolean(event.locals.member) };
};
