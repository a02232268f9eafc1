import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const status = (["submitted", "published", "hidden"] as const).find((s) => s === event.url.searchParams.get("status")) ?? "submitted";
  const client = api(event);
  const [reviews, practice] = await Promise.all([client.engagement.reviews.query({ status }), client.practice.get.query()]);
  // Published reviews are on the practice's public page in the portal (no sign-in).
  return { status, reviews, publicPage: `/portal/reviews?practice=${encodeURIComponent(practice.slug)}` };
};

const decide = (publish: boolean) => async (event: Parameters<Actions[string]>[0]) => {
  const form = await event.request.formData();
  try {
    await api(event).engagement.publishReview.mutate({ id: String(form.get("id") ?? ""), publish });
    return { done: publish ? "Published." : "Hidden." };
  } catch (e) {
    return fail(400, { error: messageOf(e) });
  }
};

export const actions: Actions = { publish: decide(true), hide: decide(false) };
