// One check-in attempt from a form action: ask the API, and turn its answer into where the
// kiosk goes next (the result screen, the front-desk screen, or the form again with a message).
import { fail, redirect } from "@sveltejs/kit";
import type { ApiInputs, ApiOutputs } from "@tally/api/client";
import { type Lang, withLang } from "#lib/i18n.js";
import { m } from "#lib/paraglide/messages.js";
import { resolve } from "$app/paths";
import { errorCodeOf, forgetDevice, kioskApi } from "./api.ts";
import { startVisit } from "./visits.ts";

type Identify = ApiInputs["checkin"]["byKiosk"];
export type Welcome = Extract<ApiOutputs["checkin"]["byKiosk"], { status: "checked_in" }>["welcome"];

type Event = Parameters<typeof kioskApi>[0];

export async function attemptCheckIn(event: Event, lang: Lang, input: Identify, values: Record<string, string>) {
  const api = kioskApi(event);
  if (!api) redirect(303, withLang(resolve("/pair"), lang));
  let answer: ApiOutputs["checkin"]["byKiosk"];
  try {
    answer = await api.checkin.byKiosk.mutate(input);
  } catch (error) {
    const code = errorCodeOf(error);
    if (code === "UNAUTHORIZED") {
      forgetDevice(event);
      redirect(303, withLang(resolve("/pair"), lang));
    }
    if (code === "TOO_MANY_REQUESTS") return fail(429, { errors: { form: m.tooFast() }, values });
    return fail(503, { errors: { form: m.unavailable() }, values });
  }
  if (answer.status === "not_found") return fail(400, { errors: { form: m.notFound() }, values });
  if (answer.status === "see_front_desk") {
    // The reason is not about a person (locked vs. shared details), so it may ride in the URL.
    redirect(303, `${resolve("/desk")}?reason=${answer.reason}${lang === "en" ? "" : `&lang=${lang}`}`);
  }
  startVisit<Welcome>(event.cookies, answer.welcome, answer.surveyTicket);
  redirect(303, withLang(resolve("/welcome"), lang));
}
