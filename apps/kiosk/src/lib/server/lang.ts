import { type Lang, negotiateLanguage } from "#lib/i18n.js";

/** The language of the screen being rendered (used by the hook for <html lang> and by the layout load). */
export function languageOf(event: { url: URL; request: Request }): Lang {
  return negotiateLanguage({
    query: event.url.searchParams.get("lang"),
    acceptLanguage: event.request.headers.get("accept-language"),
  });
}
