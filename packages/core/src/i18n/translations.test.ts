// A practice's own texts in Spanish: a reward's Spanish name and description reach a patient who
// reads Spanish and fall back to the text as written (the practice's default language) for
// everyone else and for a text not translated; survey questions likewise; rule texts (name,
// prompt, confirmation) are stored by rule name beside the rule set and reach the portal's
// Actions page; only admins write translations, and only for their practice's texts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listManualRewards } from "../approvals/approvals.ts";
import { createReward, listRewards, updateReward } from "../catalog/rewards.ts";
import { listSurveyQuestions, saveSurveyQuestion } from "../engagement/surveys.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import { listRuleTexts, listTranslations, memberLocale, setTranslations } from "./translations.ts";

describe("translations of a practice's own texts", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  it("a reward's Spanish name reaches a Spanish reader; others, and untranslated rewards, read the default", async () => {
    const p = await makePractice(t);
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", language: "es" }]);
    const bag = await createReward({
      ctx: p.admin,
      input: {
        kind: "in_house",
        name: "Tote bag",
        description: "A sturdy bag",
        pointsPrice: 300,
        translations: { es: { name: "Bolsa de tela", description: "" } },
      },
    });
    expect(bag.translations).toEqual({ es: { name: "Bolsa de tela" } });
    await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Water bottle", pointsPrice: 500 } });

    const spanish = await listRewards({ ctx: { ...p.asMember(ana!.id), locale: "es" } });
    expect(spanish.map((r) => [r.name, r.description])).toEqual([
      ["Bolsa de tela", "A sturdy bag"],
      ["Water bottle", ""],
    ]);
    const english = await listRewards({ ctx: { ...p.asMember(ana!.id), locale: "en" } });
    expect(english.map((r) => r.name)).toEqual(["Tote bag", "Water bottle"]);
    // No locale asked: as written.
    expect((await listRewards({ ctx: p.admin })).map((r) => r.name)).toEqual(["Tote bag", "Water bottle"]);
    expect(await memberLocale(t.db, ana!.id, "en")).toBe("es");

    // An update that sends no translations keeps them; one that sends them replaces them.
    await updateReward({ ctx: p.admin, input: { id: bag.id, pointsPrice: 350 } });
    expect((await listRewards({ ctx: { ...p.admin, locale: "es" } }))[0]!.name).toBe("Bolsa de tela");
    await updateReward({
      ctx: p.admin,
      input: { id: bag.id, translations: { es: { name: "Bolso", description: "Un bolso resistente" } } },
    });
    expect(await listTranslations({ ctx: p.team, input: { subject: "reward" } })).toEqual({
      [bag.id]: { es: { name: "Bolso", description: "Un bolso resistente" } },
    });
    const [first] = await listRewards({ ctx: { ...p.asMember(ana!.id), locale: "es" } });
    expect([first!.name, first!.description]).toEqual(["Bolso", "Un bolso resistente"]);
    // Another practice's admin cannot name this reward.
    const other = await makePractice(t);
    await expect(
      setTranslations({ ctx: other.admin, input: { subject: "reward", key: bag.id, translations: { es: { name: "X" } } } }),
    ).rejects.toThrow(/not found/);
  });

  it("survey questions in the kiosk's language, with the default for untranslated ones", async () => {
    const p = await makePractice(t);
    await saveSurveyQuestion({
      ctx: p.admin,
      input: { text: "Did you floss daily?", position: 1, translations: { es: { text: "¿Usó hilo dental a diario?" } } },
    });
    await saveSurveyQuestion({ ctx: p.admin, input: { text: "Did you brush twice a day?", position: 2 } });
    const kiosk = await listSurveyQuestions({ ctx: { ...p.kiosk, locale: "es" } });
    expect(kiosk.map((q) => q.text)).toEqual(["¿Usó hilo dental a diario?", "Did you brush twice a day?"]);
    expect((await listSurveyQuestions({ ctx: p.kiosk })).map((q) => q.text)).toEqual([
      "Did you floss daily?",
      "Did you brush twice a day?",
    ]);
  });

  it("rule texts by rule name beside the rule set: the Actions page in Spanish; only admins write them", async () => {
    const p = await makePractice(t);
    await saveRuleSet({
      ctx: p.admin,
      input: {
        publish: true,
        source: `reward "Followed us on Instagram" manual {
  award 50 points
  prompt "Follow us on Instagram and tell us your handle"
  confirmation "Thanks! Your points are on the way."
}
reward "Check-in" on visit.checked_in { award 10 points }`,
      },
    });
    const texts = await listRuleTexts({ ctx: p.team });
    expect(texts.find((r) => r.rule === "Followed us on Instagram")).toMatchObject({
      manual: true,
      prompt: "Follow us on Instagram and tell us your handle",
      confirmation: "Thanks! Your points are on the way.",
      translations: {},
    });
    expect(texts.find((r) => r.rule === "Check-in")).toMatchObject({ manual: false, prompt: "" });
    await expect(
      setTranslations({ ctx: p.team, input: { subject: "rule", key: "Check-in", translations: { es: { name: "Visita" } } } }),
    ).rejects.toThrow(/not allowed/);
    await setTranslations({
      ctx: p.admin,
      input: {
        subject: "rule",
        key: "Followed us on Instagram",
        translations: {
          es: { name: "Nos siguió en Instagram", prompt: "Síganos en Instagram y díganos su usuario", confirmation: "" },
        },
      },
    });
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana" }]);
    const [es] = await listManualRewards({ ctx: { ...p.asMember(ana!.id), locale: "es" } });
    expect(es).toMatchObject({
      name: "Followed us on Instagram",
      title: "Nos siguió en Instagram",
      prompt: "Síganos en Instagram y díganos su usuario",
      // Not translated: the text as written.
      confirmation: "Thanks! Your points are on the way.",
    });
    const [en] = await listManualRewards({ ctx: p.asMember(ana!.id) });
    expect(en).toMatchObject({ title: "Followed us on Instagram", prompt: "Follow us on Instagram and tell us your handle" });
  });
});
