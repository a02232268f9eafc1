import { fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

/** The form, and the reviews the practice published (members read them here and on the public page). */
export const load: PageServerLoad = async (event) => {
  const published = await api(event).engagement.publishedReviews.query();
  return {
    lead: event.locals.member?.status !== "member",
    published: published.map((r) => ({ id: r.id, rating: r.rating, body: r.body, author: r.author, at: r.at, publishedAt: r.publishedAt })),
  };
};

export const actions: Actions = {
  review: async (event) => {
    const form = await event.request.formData();
    const rating = Number(form.get("rating"));
    const body = String(form.get("body") ?? "").trim();
    if (!Number.isInteger(rating) || rating < 1 || rating > 5)
      return fail(400, { values: { body }, error: "Choose how many stars, from 1 to 5.", message: null, points: 0, sent: false });
    try {
      const r = await api(event).engagement.submitReview.mutate({ rating, body });
      const points = pointsGiven(r, event.locals.member?.id);
      return { values: { body: "" }, error: null, message: "Thank you for your review! The practice reads every one.", points, sent: true };
    } catch (error) {
      return fail(400, { values: { body }, error: null, message: messageOf(error), points: 0, sent: false });
    }
  },
};
