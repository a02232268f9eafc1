import { defineCustomClientStrategy, isLocale } from "#lib/paraglide/runtime.js";
import { page } from "$app/state";

// In the browser the page's language is the root layout data's `lang` (#lib/server/locale decides
// it from the browser's languages). Before the first data arrives, the server-rendered <html lang>.
defineCustomClientStrategy("custom-screen", {
  getLocale: () => {
    const lang = (page.data as { lang?: unknown }).lang;
    return isLocale(lang) ? lang : document.documentElement.lang;
  },
  setLocale: () => {},
});
