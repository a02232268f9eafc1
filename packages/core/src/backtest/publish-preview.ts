// What publishing a rule set would change, shown before it becomes active: the rules added,
// removed and changed against the active version (by name; a change is any difference but
// spacing and comments), and the backtest's cost difference over the last 90 days. Publishing
// asks for a confirmation when a rule is removed or the cost rises.

import { ruleSetVersions } from "@tally/db";
import { addDays, localDate, parse, type Rule, startOfLocalDay, stripPositions } from "@tally/rules";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { type Input, notFound, parseInput } from "../verb.ts";
import { runBacktest } from "./backtest.ts";

/** The backtest period a publish is judged on: the last 90 local days, today included. */
export const PUBLISH_BACKTEST_DAYS = 90;

export const publishPreviewInput = z
  .object({
    /** The text about to be saved and published, or a saved version about to be published. */
    source: z.string().max(200_000).optional(),
    versionId: z.uuid().optional(),
    /** "Now", for tests. */
    now: z.coerce.date().optional(),
  })
  .refine((b) => b.source !== undefined || b.versionId !== undefined, { message: "give source or versionId" });

export interface RuleChanges {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: number;
}

const rulesOf = (source: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const r of parse(source).ast.rules as Rule[]) out.set(r.name, JSON.stringify(stripPositions(r)));
  return out;
};

/** The rules added, removed and changed from one source to another, compared by name. */
export function ruleChanges(before: string, after: string): RuleChanges {
  const was = rulesOf(before);
  const now = rulesOf(after);
  const changes: RuleChanges = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [name, text] of now) {
    const old = was.get(name);
    if (old === undefined) changes.added.push(name);
    else if (old !== text) changes.changed.push(name);
    else changes.unchanged++;
  }
  for (const name of was.keys()) if (!now.has(name)) changes.removed.push(name);
  return changes;
}

export async function publishPreview({ ctx, input }: { ctx: Ctx; input: Input<typeof publishPreviewInput> }) {
  authorize(ctx, "rules.backtest");
  const q = parseInput(publishPreviewInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  let source = q.source;
  let version: number | null = null;
  if (source === undefined) {
    const [v] = await ctx.db
      .select()
      .from(ruleSetVersions)
      .where(and(eq(ruleSetVersions.id, q.versionId!), eq(ruleSetVersions.practiceId, ctx.practiceId)));
    if (!v) throw notFound("Rule set version");
    source = v.source;
    version = v.version;
  }
  const [active] = await ctx.db
    .select()
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  const changes = ruleChanges(active?.source ?? "", source);

  const today = localDate(q.now ?? new Date(), practice.timezone);
  const range = { from: addDays(today, -(PUBLISH_BACKTEST_DAYS - 1)), to: today };
  const bt = await runBacktest({
    ctx,
    input: { source, from: startOfLocalDay(range.from, practice.timezone), to: startOfLocalDay(addDays(range.to, 1), practice.timezone) },
  });
  const backtest = {
    range,
    activeCostCents: bt.active.costCents,
    draftCostCents: bt.draft.costCents,
    costDifferenceCents: bt.difference.costCents,
    pointsDifference: bt.difference.points,
    couponsDifference: bt.difference.coupons,
  };
  const reasons: ("rules_removed" | "cost_rises")[] = [];
  if (changes.removed.length > 0) reasons.push("rules_removed");
  if (backtest.costDifferenceCents > 0) reasons.push("cost_rises");
  return {
    version,
    active: active ? { id: active.id, version: active.version } : null,
    /** Publishing this is the active version already: nothing changes. */
    same: active !== undefined && active.source === source,
    changes,
    backtest,
    confirm: { needed: reasons.length > 0, reasons },
  };
}

export type PublishPreview = Awaited<ReturnType<typeof publishPreview>>;
