// What publishing a rule set would change, shown before it becomes active: the rules added,
// removed and changed against the active version (by name; a change is any difference but
// spacing and comments), and the backtest's cost difference over the last 90 days. Publishing
// asks for a confirmation when a rule is removed or the cost rises: the preview hands out a
// token for that very change (this text over this active version), and the server refuses a
// publish that needs one without it (assertPublishConfirmed), whoever calls it.

import { createHash } from "node:crypto";
import { ruleSetVersions } from "@tally/db";
import { addDays, localDate, parse, type Rule, startOfLocalDay, stripPositions } from "@tally/rules";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
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

export type ConfirmReason = "rules_removed" | "cost_rises";

/** The token a preview that asked for a confirmation hands out: it names the practice, the
 *  active version the change was judged against and the exact text, so confirming applies to
 *  that change only (another text, or another version published in between, needs a new one). */
export function confirmationToken(practiceId: string, activeId: string | null, source: string): string {
  const text = createHash("sha256").update(source).digest("hex");
  return `c1.${createHash("sha256")
    .update(`${practiceId}:${activeId ?? "none"}:${text}`)
    .digest("base64url")
    .slice(0, 32)}`;
}

const reasonWords: Record<ConfirmReason, string> = {
  rules_removed: "it removes rules",
  cost_rises: "its backtest over the last 90 days costs more",
};

/**
 * Refuses (CONFLICT) publishing `source` over the current active version when the preview asks
 * for a confirmation and `confirm` is not the token that preview handed out. Returns the active
 * version's id it judged against, so the caller can check inside its transaction that it is
 * still the active one.
 */
export async function assertPublishConfirmed(ctx: Ctx, source: string, confirm: string | undefined): Promise<string | null> {
  const [active] = await ctx.db
    .select({ id: ruleSetVersions.id })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  const activeId = active?.id ?? null;
  if (confirm !== undefined && confirm === confirmationToken(ctx.practiceId, activeId, source)) return activeId;
  // No (valid) token: judge the change as the preview does. A first rule set replaces nothing.
  if (activeId === null) return null;
  const preview = await publishPreview({ ctx, input: { source } });
  if (!preview.confirm.needed) return activeId;
  const named = preview.confirm.reasons.map((r) => reasonWords[r]).join(" and ");
  throw new DomainError(
    "CONFLICT",
    `Publishing needs a confirmation: ${named}${preview.changes.removed.length ? ` (${preview.changes.removed.join(", ")})` : ""}. Ask for the publish preview and publish with its confirmation token.`,
    { confirm: preview.confirm.reasons, removed: preview.changes.removed, costDifferenceCents: preview.backtest.costDifferenceCents },
  );
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
  // A first rule set replaces nothing: there is no running program to remove rules from or to
  // make dearer, so it needs no confirmation.
  const reasons: ConfirmReason[] = [];
  if (active && changes.removed.length > 0) reasons.push("rules_removed");
  if (active && backtest.costDifferenceCents > 0) reasons.push("cost_rises");
  const needed = reasons.length > 0;
  return {
    version,
    active: active ? { id: active.id, version: active.version } : null,
    /** Publishing this is the active version already: nothing changes. */
    same: active !== undefined && active.source === source,
    changes,
    backtest,
    confirm: {
      needed,
      reasons,
      /** Give this to rules.save / rules.publish as `confirm` to publish the change anyway. */
      token: needed ? confirmationToken(ctx.practiceId, active?.id ?? null, source) : null,
    },
  };
}

export type PublishPreview = Awaited<ReturnType<typeof publishPreview>>;
