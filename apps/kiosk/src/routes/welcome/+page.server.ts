import { redirect } from "@sveltejs/kit";
import type { Welcome } from "#lib/server/check-in.js";
import { takeWelcome } from "#lib/server/visits.js";
import { resolve } from "$app/paths";
import type { PageServerLoad } from "./$types";

// The result is a one-time flash: a refresh, back or a second tab finds nothing and goes to the
// start screen. This load reads no URL, so switching language keeps the result on screen.
export const load: PageServerLoad = ({ cookies }) => {
  const visit = takeWelcome<Welcome>(cookies);
  if (!visit) redirect(303, resolve("/"));
  return { welcome: visit.welcome, survey: visit.survey, shownAt: Date.now(), idle: 10 };
};
