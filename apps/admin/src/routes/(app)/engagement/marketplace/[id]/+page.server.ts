import { error, fail } from "@sveltejs/kit";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const [listed, practice] = await Promise.all([
      client.engagement.entries.query({ activityId: event.params.id }),
      client.practice.get.query(),
    ]);
    return { ...listed, timezone: practice.timezone, admin: event.locals.staff?.role === "admin" };
  } catch (e) {
    if (appCodeOf(e) === "NOT_FOUND" || appCodeOf(e) === "BAD_REQUEST")
      error(404, "That activity does not exist. Open one from the marketplace list.");
    throw e;
  }
};

export const actions: Actions = {
  /** A new draw: a random seed, recorded with the winner in the audit log. */
  draw: async (event) => {
    try {
      const drawn = await api(event).engagement.drawWinner.mutate({ activityId: event.params.id });
      return { drawn, replayed: null, seed: "", error: null };
    } catch (e) {
      return fail(400, { drawn: null, replayed: null, seed: "", error: messageOf(e) });
    }
  },
  /** Replays a recorded draw from its seed: the same entries give the same winner. */
  verify: async (event) => {
    const form = await event.request.formData();
    const seed = String(form.get("seed") ?? "").trim();
    if (!/^[0-9a-fA-F]{8,128}$/.test(seed))
      return fail(400, { drawn: null, replayed: null, seed, error: "Paste the seed of a recorded draw (letters a–f and digits)." });
    try {
      const replayed = await api(event).engagement.drawWinner.mutate({ activityId: event.params.id, seed });
      return { drawn: null, replayed, seed, error: null };
    } catch (e) {
      return fail(400, { drawn: null, replayed: null, seed, error: messageOf(e) });
    }
  },
};
