// A member's compliance survey history (newest first), for the Surveys tab of the admin profile.

import { surveyResponses } from "@tally/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { recordMemberAccess } from "../audit/access-log.ts";
import type { Ctx } from "../context.ts";
import { findMember } from "../members/shared.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";

export const listSurveyResponsesInput = z.object({ memberId: z.uuid(), limit: z.number().int().min(1).max(200).default(50) });

export async function listSurveyResponses({ ctx, input }: { ctx: Ctx; input: Input<typeof listSurveyResponsesInput> }) {
  authorize(ctx, "members.get");
  const q = parseInput(listSurveyResponsesInput, input);
  await findMember(ctx.db, ctx, q.memberId);
  const rows = await ctx.db
    .select()
    .from(surveyResponses)
    .where(and(eq(surveyResponses.practiceId, ctx.practiceId), eq(surveyResponses.memberId, q.memberId)))
    .orderBy(desc(surveyResponses.at))
    .limit(q.limit);
  await recordMemberAccess(ctx, q.memberId, "member.surveys.read");
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    perfect: r.perfect,
    positive: r.answers.filter((a) => a.positive).length,
    questions: r.answers.length,
    answers: r.answers,
    takenBy: r.takenBy,
  }));
}
