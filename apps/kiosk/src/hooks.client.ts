import { defineCustomClientStrategy, isLocale } from "#lib/paraglide/runtime.js";
import { page } from "$app/state";

// In the browser the screen's language is the page data's `lang` (the root layout's load decides
// it). Reading it through `page` makes every message reactive: a language switch re-renders the
// texts in place, no reload. Before the first data arrives, the server-rendered <html lang>.
defineCustomClientStrategy("custom-screen", {
  getLocale: () => {
    const lang = (page.data as { lang?: unknown }).lang;
    return isLocale(lang) ? lang : document.documentElement.lang;
  },
  setLocale: () => {},
});
