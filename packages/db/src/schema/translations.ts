// A practice's own texts in other languages: reward names and descriptions, survey questions,
// the program description, and the texts of rules that patients read (a rule's name, a manual
// reward's prompt and confirmation). The text itself stays where it is, in the practice's default
// language; a translation is found by what it belongs to and its key (the reward's or question's
// id, the practice's id, or the rule's name: rule translations live beside the rule set, not in
// the rules language, and follow a rule across versions by its name).
import { index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

export const translationSubjects = ["reward", "survey_question", "practice", "rule"] as const;
export type TranslationSubject = (typeof translationSubjects)[number];

export const textTranslations = pgTable(
  "text_translations",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    subject: text().$type<TranslationSubject>().notNull(),
    /** The reward's, question's or practice's id, or the rule's name. */
    key: text().notNull(),
    /** "name", "description", "text", "programDescription", "prompt", "confirmation". */
    field: text().notNull(),
    locale: text().notNull(),
    text: text().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.practiceId, t.subject, t.key, t.field, t.locale] }),
    index("text_translations_practice_locale_idx").on(t.practiceId, t.locale),
  ],
);
