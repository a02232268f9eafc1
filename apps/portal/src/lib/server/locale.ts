// Paraglide's messages (m.key()) on the server are in the language of the request being answered:
// the hook runs each request inside `inLocale`, which Paraglide's getLocale() reads.
import { AsyncLocalStorage } from "node:async_hooks";
import { type Locale, overwriteServerAsyncLocalStorage } from "#lib/paraglide/runtime.js";

type Store = { locale?: Locale; origin?: string; messageCalls?: Set<string> };
const storage = new AsyncLocalStorage<Store>();
overwriteServerAsyncLocalStorage(storage);

export function inLocale<T>(locale: Locale, fn: () => T): T {
  return storage.run({ locale, messageCalls: new Set() }, fn);
}
