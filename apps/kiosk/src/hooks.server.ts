import type { Handle } from "@sveltejs/kit/hooks";
import { deviceInfo } from "#lib/server/device.js";
import { languageOf } from "#lib/server/lang.js";
import { inLocale } from "#lib/server/locale.js";

// Screen readers and hyphenation need the right <html lang> on the server-rendered page too;
// app.html says English, Spanish screens swap it. Every answer is marked no-store: an unattended
// kiosk must never show a previous patient's screen from a cache (back button, bfcache, proxy).
export const handle: Handle = async ({ event, resolve }) => {
  // The paired practice's language (cached a minute per kiosk): the start screen's default.
  event.locals.practiceLanguage = (await deviceInfo(event).catch(() => null))?.language ?? null;
  const lang = languageOf(event);
  // Paraglide's messages rendered for this request (pages and form actions) are in its language.
  const response = await inLocale(lang, () =>
    resolve(
      event,
      lang === "en" ? undefined : { transformPageChunk: ({ html }) => html.replace('<html lang="en">', `<html lang="${lang}">`) },
    ),
  );
  try {
    response.headers.set("cache-control", "no-store");
    response.headers.set("referrer-policy", "no-referrer");
    response.headers.set("x-frame-options", "DENY");
    response.headers.set("x-content-type-options", "nosniff");
  } catch {
    // Immutable headers (a fetched response passed through): leave them.
  }
  return response;
};
