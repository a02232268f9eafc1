// The three apps' screen texts are compiled by Paraglide JS from messages/<locale>.json beside
// each app's project.inlang. Paraglide falls back to English for a key missing in Spanish; here
// a missing or empty translation stops the build instead (and the apps' unit tests say which).
// The inlang plugin is loaded from the installed package (project.inlang/settings.json names it
// by path), so a build needs no network. A plain .js file: vite loads it with the config.
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** @param {string} file */
const read = (file) => /** @type {Record<string, unknown>} */ (JSON.parse(readFileSync(file, "utf8")));

/**
 * Every way the locales' message files differ from the base locale's: a key missing or empty in
 * one of them, or one the base locale does not have. Empty when they are complete.
 * @param {string} appDir the app's folder (holding project.inlang and messages/)
 * @returns {string[]}
 */
export function missingTranslations(appDir) {
  const settings = read(join(appDir, "project.inlang", "settings.json"));
  const base = /** @type {string} */ (settings.baseLocale);
  const locales = /** @type {string[]} */ (settings.locales);
  const at = (/** @type {string} */ locale) => read(join(appDir, "messages", `${locale}.json`));
  const keysOf = (/** @type {Record<string, unknown>} */ messages) => Object.keys(messages).filter((key) => key !== "$schema");
  const baseMessages = at(base);
  const problems = [];
  for (const locale of locales) {
    const messages = at(locale);
    for (const key of keysOf(baseMessages)) {
      // A text, or (plurals) a list of variants.
      const text = messages[key];
      if (typeof text === "string" ? text.trim() === "" : !Array.isArray(text) || text.length === 0)
        problems.push(`${locale}: "${key}" is missing`);
    }
    if (locale === base) continue;
    for (const key of keysOf(messages)) if (!(key in baseMessages)) problems.push(`${locale}: "${key}" is not in ${base}.json`);
  }
  return problems;
}

/**
 * A vite plugin that fails the build (and the dev server's start) on a missing translation.
 * @param {string} appDir
 * @returns {{ name: string; buildStart(this: { error(message: string): never }): void }}
 */
export function messagesComplete(appDir) {
  return {
    name: "tally-messages-complete",
    buildStart() {
      const problems = missingTranslations(appDir);
      if (problems.length > 0) this.error(`Missing translations in ${appDir}/messages:\n  ${problems.join("\n  ")}`);
    },
  };
}
