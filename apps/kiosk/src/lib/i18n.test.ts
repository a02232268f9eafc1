import { fileURLToPath } from "node:url";
import { missingTranslations } from "@tally/ui/messages";
import { describe, expect, it } from "vitest";
import { initials, negotiateLanguage, withLang } from "./i18n.ts";

describe("negotiateLanguage", () => {
  it.each([
    [{ query: "es" }, "es"],
    [{ query: "en", acceptLanguage: "es" }, "en"],
    [{ query: "fr", acceptLanguage: "es" }, "es"],
    [{ acceptLanguage: "es-MX,es;q=0.9,en;q=0.8" }, "es"],
    [{ acceptLanguage: "fr-FR, en;q=0.5, es;q=0.7" }, "es"],
    [{ acceptLanguage: "es;q=0, en;q=0.1" }, "en"],
    [{ acceptLanguage: "de" }, "en"],
    [{ practice: "es", acceptLanguage: "en" }, "es"],
    [{ query: "en", practice: "es" }, "en"],
    [{}, "en"],
  ] as const)("%o -> %s", (input, expected) => {
    expect(negotiateLanguage(input)).toBe(expected);
  });
});

describe("messages", () => {
  it("has every English text translated to Spanish, none left empty", () => {
    expect(missingTranslations(fileURLToPath(new URL("../..", import.meta.url)))).toEqual([]);
  });
});

describe("initials", () => {
  it("uses the first two words", () => {
    expect(initials("Bright Smiles Orthodontics")).toBe("BS");
    expect(initials("  Paws ")).toBe("P");
  });
});

describe("withLang", () => {
  it("carries the chosen language through the visit, English too (the practice's may be Spanish)", () => {
    expect(withLang("/kiosk/check-in/card", "es")).toBe("/kiosk/check-in/card?lang=es");
    expect(withLang("/kiosk/check-in/card", "en")).toBe("/kiosk/check-in/card?lang=en");
  });
});
