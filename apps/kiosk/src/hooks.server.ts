import type { Handle } from '@sveltejs/kit/hooks';
import { languageOf } from '#lib/server/lang.js';

// Screen readers and hyphenation need the right <html lang> on the server-rendered page too.
export const handle: Handle = ({ event, resolve }) => {
  const lang = languageOf(event);
  return resolve(event, { transformPageChunk: ({ html }) => html.replace('%tally.lang%', lang) });
};
