// The language of the page being rendered, for Paraglide's messages (m.key()) on the server: the
// browser's Accept-Language among the admin's languages (project.inlang/settings.json), else the
// base one. Read from the request SvelteKit is answering, so concurrent requests never mix.
import { fromAcceptLanguage } from "@tally/ui/language";
import { baseLocale, type Locale, locales, overwriteGetLocale } from "#lib/paraglide/runtime.js";
import { getRequestEvent } from "$app/server";

const chosen = new WeakMap<Request, Locale>();

export function localeOf(request: Request): Locale {
  let locale = chosen.get(request);
  if (!locale) {
    locale = fromAcceptLanguage(request.headers.get("accept-language"), locales) ?? baseLocale;
    chosen.set(request, locale);
  }
  return locale;
}

overwriteGetLocale(() => {
  try {
    return localeOf(getRequestEvent().request);
  } catch {
    // Outside a request (a build step): the base language.
    return baseLocale;
  }
});
