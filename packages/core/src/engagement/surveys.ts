// Compliance surveys: questions defined per practice; staff take the survey for a patient (or the
// patient does at the kiosk). Perfect = every answer positive; it feeds milestones through
// `survey.submitted`.
import { randomUUID } from "node:crypto";
import { surveyQuestions, surveyResponses } from "@tally/db";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { localized } from "../i18n/locale.ts";
import { translationsInput, translationsOf, writeTranslations } from "../i18n/translations.ts";
import { findMember } from "../members/shared.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export async function listSurveyQuestions({ ctx, input }: { ctx: Ctx; input?: { includeInactive?: boolean } }) {
  authorize(ctx, "engagement.listSurveyQuestions");
  const where = [eq(surveyQuestions.practiceId, ctx.practiceId)];
  if (!input?.includeInactive) where.push(eq(surveyQuestions.active, true));
  const rows = await ctx.db
    .select()
    .from(surveyQuestions)
    .where(and(...where))
    .orderBy(asc(surveyQuestions.position), asc(surveyQuestions.createdAt));
  // In the caller's locale when translated (the kiosk in Spanish), with the translations for the admin form.
  const translations = await translationsOf(
    ctx.db,
    ctx.practiceId,
    "survey_question",
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const t = translations.get(r.id) ?? {};
    return { ...r, text: localized(r.text, t, ctx.locale, "text"), translations: t };
  });
}

export const saveSurveyQuestionInput = z.object({
  id: z.uuid().optional(),
  text: z.string().trim().min(1).max(500),
  position: z.number().int().min(0).max(1000).default(0),
  active: z.boolean().default(true),
  /** The question in other languages: `{ es: { text } }` (not sent: unchanged). */
  translations: translationsInput.optional(),
});

export async function saveSurveyQuestion({ ctx, input }: { ctx: Ctx; input: Input<typeof saveSurveyQuestionInput> }) {
  authorize(ctx, "engagement.manageSurvey");
  const { id, translations, ...data } = parseInput(saveSurveyQuestionInput, input);
  return inTx(ctx, async (tx) => {
    let row: typeof surveyQuestions.$inferSelect | undefined;
    if (id) {
      [row] = await tx
        .update(surveyQuestions)
        .set(data)
        .where(and(eq(surveyQuestions.id, id), eq(surveyQuestions.practiceId, ctx.practiceId)))
        .returning();
      if (!row) throw notFound("Question");
    } else {
      [row] = await tx
        .insert(surveyQuestions)
        .values({ ...data, practiceId: ctx.practiceId })
        .returning();
    }
    const saved = translations
      ? await writeTranslations(tx, ctx.practiceId, "survey_question", row!.id, ["text"], translations)
      : ((await translationsOf(tx, ctx.practiceId, "survey_question", [row!.id])).get(row!.id) ?? {});
    await audit(tx, ctx, {
      action: "engagement.saveSurveyQuestion",
      targetType: "survey_question",
      targetId: row!.id,
      details: translations ? { ...data, translations: saved } : data,
    });
    return { ...row!, translations: saved };
  });
}

export const submitSurveyInput = z.object({
  memberId: z.uuid(),
  answers: z
    .array(z.object({ questionId: z.uuid(), positive: z.boolean() }))
    .min(1)
    .max(100),
  at: z.coerce.date().optional(),
});

export async function submitSurvey({ ctx, input }: { ctx: Ctx; input: Input<typeof submitSurveyInput> }) {
  authorize(ctx, "engagement.submitSurvey");
  const data = parseInput(submitSurveyInput, input);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    const ids = data.answers.map((a) => a.questionId);
    if (new Set(ids).size !== ids.length) throw new DomainError("INVALID_INPUT", "Each question is answered once.");
    const questions = await tx
      .select()
      .from(surveyQuestions)
      .where(and(eq(surveyQuestions.practiceId, ctx.practiceId), inArray(surveyQuestions.id, ids)));
    if (questions.length !== ids.length) throw notFound("Question");
    const active = await tx
      .select({ id: surveyQuestions.id })
      .from(surveyQuestions)
      .where(and(eq(surveyQuestions.practiceId, ctx.practiceId), eq(surveyQuestions.active, true)));
    const missing = active.filter((q) => !ids.includes(q.id));
    if (missing.length > 0)
      throw new DomainError("INVALID_INPUT", "Answer every question of the survey.", { missing: missing.map((m) => m.id) });
    const text = new Map(questions.map((q) => [q.id, q.text]));
    const answers = data.answers.map((a) => ({ questionId: a.questionId, text: text.get(a.questionId)!, positive: a.positive }));
    const perfect = answers.every((a) => a.positive);
    const at = data.at ?? new Date();
    const responseId = randomUUID();
    const outcome = await processEvent(tx, ctx, {
      id: `survey:${responseId}`,
      type: "survey.submitted",
      at: at.toISOString(),
      member: data.memberId,
      survey: { answers: answers.map((a) => a.positive) },
    });
    await tx.insert(surveyResponses).values({
      id: responseId,
      practiceId: ctx.practiceId,
      memberId: data.memberId,
      answers,
      perfect,
      eventId: outcome.eventId,
      takenBy: `${ctx.actor.kind}:${ctx.actor.id}`,
      at,
    });
    await audit(tx, ctx, {
      action: "engagement.submitSurvey",
      targetType: "member",
      targetId: data.memberId,
      details: { perfect, responseId },
    });
    return { responseId, perfect, awards: outcome.awards, phases: outcome.phases, coupons: outcome.coupons };
  });
}
