import { type Lang, negotiateLanguage } from "#lib/i18n.js";

/** The language of the screen being rendered (used by the hook for <html lang> and by the layout
 *  load): `?lang=`, else the practice's language (set by the hook for a paired kiosk). */
export function languageOf(event: { url: URL; request: Request; locals?: App.Locals }): Lang {
  return negotiateLanguage({
    query: event.url.searchParams.get("lang"),
    practice: event.locals?.practiceLanguage ?? null,
    acceptLanguage: event.request.headers.get("accept-language"),
  });
}
