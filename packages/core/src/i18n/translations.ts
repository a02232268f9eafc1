// A practice's own texts in Spanish (or any other patient language): stored in
// `text_translations` by what they belong to and their key (a reward's or question's id, the
// practice's id, a rule's name), read beside the text, which stays in the practice's default
// language and is the fallback. Admins write them next to the text (catalog, survey, settings,
// rules page); verbs that show these texts to patients return them in the requested locale.
import {
  type Db,
  members,
  rewards,
  surveyQuestions,
  type TranslationSubject,
  type Tx,
  textTranslations,
  translationSubjects,
} from "@tally/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { loadSetup } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { cleanTranslations, isLocale, type Locale, locales, localized, type Translations, toLocale } from "./locale.ts";

/** The translations of a subject's texts by key (all keys, or only `keys`). */
export async function translationsOf(
  db: Db | Tx,
  practiceId: string,
  subject: TranslationSubject,
  keys?: readonly string[],
): Promise<Map<string, Translations>> {
  if (keys && keys.length === 0) return new Map();
  const rows = await db
    .select()
    .from(textTranslations)
    .where(
      and(
        eq(textTranslations.practiceId, practiceId),
        eq(textTranslations.subject, subject),
        ...(keys ? [inArray(textTranslations.key, [...new Set(keys)])] : []),
      ),
    );
  const out = new Map<string, Translations>();
  for (const r of rows) {
    if (!isLocale(r.locale)) continue;
    const t = out.get(r.key) ?? {};
    t[r.locale] = { ...t[r.locale], [r.field]: r.text };
    out.set(r.key, t);
  }
  return out;
}

/** Replaces the translations of one key (only `fields`: other fields of the key stay). */
export async function writeTranslations(
  tx: Db | Tx,
  practiceId: string,
  subject: TranslationSubject,
  key: string,
  fields: readonly string[],
  translations: Translations,
) {
  const clean = cleanTranslations(translations);
  await tx
    .delete(textTranslations)
    .where(
      and(
        eq(textTranslations.practiceId, practiceId),
        eq(textTranslations.subject, subject),
        eq(textTranslations.key, key),
        inArray(textTranslations.field, [...fields]),
      ),
    );
  const rows = locales.flatMap((locale) =>
    Object.entries(clean[locale] ?? {})
      .filter(([field]) => fields.includes(field))
      .map(([field, text]) => ({ practiceId, subject, key, field, locale, text })),
  );
  if (rows.length > 0) await tx.insert(textTranslations).values(rows);
  return clean;
}

/** The fields each subject has. */
export const translatableFields: Record<TranslationSubject, readonly string[]> = {
  reward: ["name", "description"],
  survey_question: ["text"],
  practice: ["programDescription"],
  rule: ["name", "prompt", "confirmation"],
};

/** `{ es: { name: "…" } }` as an admin form sends it (empty fields remove the translation). */
export const translationsInput = z.partialRecord(z.enum(locales), z.record(z.string().max(100), z.string().max(5000)));

/** Each member's chosen language (members who chose none are not in the map). */
export async function memberLocales(db: Db | Tx, memberIds: readonly string[]): Promise<Map<string, Locale>> {
  if (memberIds.length === 0) return new Map();
  const rows = await db
    .select({ id: members.id, language: members.language })
    .from(members)
    .where(inArray(members.id, [...new Set(memberIds)]));
  return new Map(rows.flatMap((r) => (isLocale(r.language) ? [[r.id, r.language] as const] : [])));
}

/** The locale a member reads: their choice, else the practice's default. */
export async function memberLocale(db: Db | Tx, memberId: string, practiceDefault: string): Promise<Locale> {
  return (await memberLocales(db, [memberId])).get(memberId) ?? toLocale(practiceDefault);
}

// ---- admin: the texts patients read, with their translations ----

export const setTranslationsInput = z.object({
  subject: z.enum(translationSubjects),
  /** The reward's or question's id, the practice's id, or the rule's name. */
  key: z.string().trim().min(1).max(200),
  translations: translationsInput.default({}),
});

/** An admin writes the translations of one text (reward, question, program description, rule). */
export async function setTranslations({ ctx, input }: { ctx: Ctx; input: Input<typeof setTranslationsInput> }) {
  authorize(ctx, "i18n.setTranslations");
  const data = parseInput(setTranslationsInput, input);
  const key = data.subject === "practice" ? ctx.practiceId : data.key;
  return inTx(ctx, async (tx) => {
    // A reward or question of the caller's practice only.
    if (data.subject === "reward" || data.subject === "survey_question") {
      const table = data.subject === "reward" ? rewards : surveyQuestions;
      const uuid = z.uuid().safeParse(key);
      const [row] = uuid.success
        ? await tx
            .select({ id: table.id })
            .from(table)
            .where(and(eq(table.id, uuid.data), eq(table.practiceId, ctx.practiceId)))
        : [];
      if (!row) throw notFound(data.subject === "reward" ? "Reward" : "Question");
    }
    const saved = await writeTranslations(tx, ctx.practiceId, data.subject, key, translatableFields[data.subject], data.translations);
    await audit(tx, ctx, {
      action: "i18n.setTranslations",
      targetType: data.subject,
      targetId: data.subject === "rule" ? undefined : key,
      details: { key, translations: saved },
    });
    return { subject: data.subject, key, translations: saved };
  });
}

export const listTranslationsInput = z.object({ subject: z.enum(translationSubjects) });

/** Every translation of a subject, by key (the admin forms show them beside the text). */
export async function listTranslations({ ctx, input }: { ctx: Ctx; input: Input<typeof listTranslationsInput> }) {
  authorize(ctx, "i18n.listTranslations");
  const { subject } = parseInput(listTranslationsInput, input);
  return Object.fromEntries(await translationsOf(ctx.db, ctx.practiceId, subject));
}

export interface RuleText {
  /** The rule's name as written in the rules (the key of its translations). */
  rule: string;
  manual: boolean;
  prompt: string;
  confirmation: string;
  translations: Translations;
}

/** The texts of the published rules that patients read (names; manual rewards' prompts and
 *  confirmations), with their translations: the rules page's Translations panel. */
export async function listRuleTexts({ ctx }: { ctx: Ctx; input?: unknown }): Promise<RuleText[]> {
  authorize(ctx, "i18n.listTranslations");
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  const saved = await translationsOf(ctx.db, ctx.practiceId, "rule");
  const names = [...new Set(program.rules.map((r) => r.name))];
  return names.map((name) => {
    const m = program.manual.get(name);
    return {
      rule: name,
      manual: Boolean(m),
      prompt: m?.prompt ?? "",
      confirmation: m?.confirmation ?? "",
      translations: saved.get(name) ?? {},
    };
  });
}

/** The practice's program description in the locale when translated, else as written. */
export async function localizedProgramDescription(db: Db | Tx, practiceId: string, text: string, locale: Locale | undefined) {
  if (!locale) return text;
  return localized(text, (await translationsOf(db, practiceId, "practice", [practiceId])).get(practiceId), locale, "programDescription");
}
