import { fail, redirect } from "@sveltejs/kit";
import { isLang } from "@tally/ui/language";
import { languageCookie } from "#lib/language.js";
import { href, safeNext } from "#lib/paths.js";
import { api } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

// The language switch on every page (and the question at first sign-in) posts here, then the person
// goes back to the page they were on, now in the chosen language.
export const load: PageServerLoad = () => redirect(303, href("/"));

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const lang = String(form.get("lang") ?? "");
    if (!isLang(lang)) return fail(400, { error: "Unknown language" });
    const secure = event.url.protocol === "https:";
    event.cookies.set(languageCookie, lang, { path: "/", httpOnly: true, sameSite: "lax", secure, maxAge: 60 * 60 * 24 * 400 });
    if (event.locals.member) await api(event).members.setLanguage.mutate({ language: lang });
    redirect(303, safeNext(String(form.get("next") ?? ""), href("/")));
  },
};
