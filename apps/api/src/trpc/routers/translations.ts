// A practice's own texts in other languages (Spanish): the admin's Translations page lists every
// text patients read — rewards, survey questions, the program description, and the rules' names,
// prompts and confirmations (by rule name, beside the rule set) — each with its translations;
// admins save them one text at a time.
import {
  getPractice,
  listRewards,
  listRuleTexts,
  listSurveyQuestions,
  listTranslations,
  setTranslations,
  setTranslationsInput,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const translationsRouter = router({
  texts: staffProcedure.meta({ action: "i18n.listTranslations" }).query(async ({ ctx }) => {
    const core = { ...ctx.core, locale: undefined };
    const [rewards, questions, practice, program, rules] = await Promise.all([
      listRewards({ ctx: core, input: { includeDisabled: true } }),
      listSurveyQuestions({ ctx: core, input: { includeInactive: true } }),
      getPractice({ ctx: core }),
      listTranslations({ ctx: core, input: { subject: "practice" } }),
      listRuleTexts({ ctx: core }),
    ]);
    return {
      rewards: rewards.map((r) => ({ id: r.id, name: r.name, description: r.description, translations: r.translations })),
      questions: questions.map((q) => ({ id: q.id, text: q.text, active: q.active, translations: q.translations })),
      program: { text: practice.programDescription, translations: program[practice.id] ?? {} },
      rules,
    };
  }),
  set: staffProcedure
    .meta({ action: "i18n.setTranslations" })
    .input(setTranslationsInput)
    .mutation(({ ctx, input }) => setTranslations({ ctx: ctx.core, input })),
});
