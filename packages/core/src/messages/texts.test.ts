// The message catalogs: every key of English exists in Spanish and no other (a missing translation
// fails the tests, and the build through messageCatalogs' type), with the same placeholders, and
// every plural category the locale's Intl.PluralRules can choose; numbers are formatted by locale.
import { describe, expect, it } from "vitest";
import { formatDate, formatMoney, intlLocale, locales } from "../i18n/locale.ts";
import { messageCatalogs, messageText, pointsText } from "./texts.ts";

const placeholders = (entry: unknown): string[] => {
  const texts = typeof entry === "string" ? [entry] : Object.values(entry as Record<string, string>);
  return [...new Set(texts.flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort();
};

describe("message catalogs", () => {
  it("English and Spanish have the same keys, placeholders and kinds of entry", () => {
    const en = messageCatalogs.en;
    for (const l of locales) {
      const c = messageCatalogs[l];
      expect(Object.keys(c).sort()).toEqual(Object.keys(en).sort());
      for (const [key, entry] of Object.entries(c)) {
        const base = en[key as keyof typeof en];
        expect(typeof entry, `${l} ${key}`).toBe(typeof base);
        expect(placeholders(entry), `${l} ${key}`).toEqual(placeholders(base));
        if (typeof entry === "string") expect(entry.trim(), `${l} ${key}`).not.toBe("");
      }
    }
  });

  it("plural entries cover every category of their locale", () => {
    for (const l of locales) {
      const categories = new Intl.PluralRules(intlLocale(l)).resolvedOptions().pluralCategories;
      for (const [key, entry] of Object.entries(messageCatalogs[l]))
        if (typeof entry !== "string") expect(Object.keys(entry).sort(), `${l} ${key}`).toEqual([...categories].sort());
    }
  });

  it("fills placeholders, formats numbers and chooses plurals with Intl for the locale", () => {
    expect(pointsText("en", 1)).toBe("1 point");
    expect(pointsText("en", 1250)).toBe(`${new Intl.NumberFormat("en-US").format(1250)} points`);
    expect(pointsText("es", 1)).toBe("1 punto");
    expect(pointsText("es", 1250)).toBe(`${new Intl.NumberFormat("es-US").format(1250)} puntos`);
    expect(messageText("es", "points_expiring.subject", { count: 1 })).toBe("1 punto vence pronto");
    expect(messageText("es", "points_expiring.subject", { count: 30 })).toBe("30 puntos vencen pronto");
    expect(messageText("en", "reward_ready.subject", { reward: "$10 Books" })).toBe("Your $10 Books is ready");
    expect(formatMoney("es", 123_450)).toBe(new Intl.NumberFormat("es-US", { style: "currency", currency: "USD" }).format(1234.5));
    const at = new Date("2026-12-24T18:00:00Z");
    expect(formatDate("es", at, "America/Chicago")).toBe(
      new Intl.DateTimeFormat("es-US", { dateStyle: "long", timeZone: "America/Chicago" }).format(at),
    );
    // A calendar date is that day wherever the practice is.
    expect(formatDate("es", "2026-12-05", "Pacific/Honolulu")).toBe("5 de diciembre de 2026");
  });
});
