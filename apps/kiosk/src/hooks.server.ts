import type { Handle } from "@sveltejs/kit/hooks";
import { languageOf } from "#lib/server/lang.js";

// Screen readers and hyphenation need the right <html lang> on the server-rendered page too;
// app.html says English, Spanish screens swap it.
export const handle: Handle = ({ event, resolve }) => {
  const lang = languageOf(event);
  if (lang === "en") return resolve(event);
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('<html lang="en">', `<html lang="${lang}">`) });
};
