import { describe, expect, it } from "vitest";
import { fromAcceptLanguage, intlLocale, isLang } from "./language.ts";

describe("fromAcceptLanguage", () => {
  it.each([
    ["es-MX,es;q=0.9,en;q=0.8", "es"],
    ["fr-FR, en;q=0.5, es;q=0.7", "es"],
    ["es;q=0, en;q=0.1", "en"],
    ["en-US,en;q=0.9", "en"],
    ["de", null],
    ["", null],
    [null, null],
  ] as const)("%s -> %s", (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });
});

describe("fromAcceptLanguage with the languages an app has", () => {
  it("picks among them only", () => {
    expect(fromAcceptLanguage("es-MX,en;q=0.5", ["en"])).toBe("en");
    expect(fromAcceptLanguage("es-MX", ["en"])).toBeNull();
  });
});

describe("isLang and intlLocale", () => {
  it("knows English and Spanish, formatted for the US", () => {
    expect(isLang("es")).toBe(true);
    expect(isLang("fr")).toBe(false);
    expect(intlLocale("es")).toBe("es-US");
    expect(intlLocale("en")).toBe("en-US");
  });
});
