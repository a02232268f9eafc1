import { fileURLToPath } from "node:url";
import { missingTranslations } from "@tally/ui/messages";
import { describe, expect, it } from "vitest";

describe("screen texts", () => {
  it("has every English text translated to Spanish, none left empty, none extra", () => {
    expect(missingTranslations(fileURLToPath(new URL("../..", import.meta.url)))).toEqual([]);
  });
});
