// A practice's rule set as numbered versions of source text. Saving checks and compiles (invalid
// source is refused with every diagnostic); publishing makes one version the active one, and
// a publish that removes rules or raises the backtest's cost needs the publish preview's
// confirmation token (backtest/publish-preview.ts).

import { practices, ruleSetVersions, type Tx } from "@tally/db";
import { and, desc, eq, max } from "drizzle-orm";
import { z } from "zod";
import { assertPublishConfirmed } from "../backtest/publish-preview.ts";
import { catalogCouponNames } from "../catalog/rewards.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { compileSource, type Diagnostic } from "../events/engine.ts";
import { loadEligible } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export type RuleSetVersion = typeof ruleSetVersions.$inferSelect;

/** Checks and compiles source for this practice; RULE_INVALID with the diagnostics when it has errors. */
export async function compileForPractice(db: Tx | Ctx["db"], practiceId: string, source: string) {
  const practice = await loadPractice(db, practiceId);
  const coupons = await catalogCouponNames(db as Ctx["db"], practiceId);
  const result = compileSource(source, {
    status: practice.status,
    timezone: practice.timezone,
    eligible: await loadEligible(db, practiceId),
    // The catalog is "known" once the practice has coupons in it.
    catalog: coupons.length > 0 ? coupons : undefined,
  });
  if (!result.program) {
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    throw new DomainError("RULE_INVALID", `The rules have ${errors.length} error${errors.length === 1 ? "" : "s"}.`, {
      diagnostics: errors,
    });
  }
  return { program: result.program, warnings: result.diagnostics.filter((d) => d.severity !== "error") as Diagnostic[] };
}

export const saveRuleSetInput = z.object({
  source: z.string().max(200_000),
  note: z.string().max(1000).default(""),
  /** Publish right away (the editor's "Save and publish"). */
  publish: z.boolean().default(false),
  /** The publish preview's confirmation token, when it asked for one. */
  confirm: z.string().max(200).optional(),
});

export async function saveRuleSet({ ctx, input }: { ctx: Ctx; input: Input<typeof saveRuleSetInput> }) {
  authorize(ctx, "rules.save");
  const data = parseInput(saveRuleSetInput, input);
  const judgedAgainst = data.publish ? await assertPublishConfirmed(ctx, data.source, data.confirm) : undefined;
  return inTx(ctx, async (tx) => {
    const { warnings } = await compileForPractice(tx, ctx.practiceId, data.source);
    // Serialise version numbering per practice.
    await tx.select({ id: practices.id }).from(practices).where(eq(practices.id, ctx.practiceId)).for("update");
    const [last] = await tx
      .select({ v: max(ruleSetVersions.version) })
      .from(ruleSetVersions)
      .where(eq(ruleSetVersions.practiceId, ctx.practiceId));
    const version = (last?.v ?? 0) + 1;
    const [row] = await tx
      .insert(ruleSetVersions)
      .values({ practiceId: ctx.practiceId, version, source: data.source, note: data.note, warnings, createdBy: ctx.actor.id })
      .returning();
    await audit(tx, ctx, {
      action: "rules.save",
      targetType: "rule_set_version",
      targetId: row!.id,
      details: { version, note: data.note },
    });
    if (data.publish) return activate(tx, ctx, row!.id, judgedAgainst);
    return row!;
  });
}

/** Makes a version the active one; `judgedAgainst` is the active version its confirmation was
 *  judged against (the practice row is locked, so the check cannot race another publish). */
async function activate(tx: Tx, ctx: Ctx, id: string, judgedAgainst: string | null | undefined): Promise<RuleSetVersion> {
  const [target] = await tx
    .select()
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.id, id), eq(ruleSetVersions.practiceId, ctx.practiceId)));
  if (!target) throw notFound("Rule set version");
  // It must still compile against today's catalog and settings.
  await compileForPractice(tx, ctx.practiceId, target.source);
  const [current] = await tx
    .select({ id: ruleSetVersions.id })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  if (judgedAgainst !== undefined && (current?.id ?? null) !== judgedAgainst)
    throw new DomainError("CONFLICT", "Another version was published meanwhile: look at the publish preview again.");
  await tx
    .update(ruleSetVersions)
    .set({ active: false })
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  const [row] = await tx
    .update(ruleSetVersions)
    .set({ active: true, publishedAt: new Date() })
    .where(eq(ruleSetVersions.id, id))
    .returning();
  await audit(tx, ctx, { action: "rules.publish", targetType: "rule_set_version", targetId: id, details: { version: target.version } });
  return row!;
}

export const publishRuleSetInput = z.object({
  versionId: z.uuid(),
  /** The publish preview's confirmation token, when it asked for one. */
  confirm: z.string().max(200).optional(),
});

export async function publishRuleSet({ ctx, input }: { ctx: Ctx; input: Input<typeof publishRuleSetInput> }) {
  authorize(ctx, "rules.publish");
  const { versionId, confirm } = parseInput(publishRuleSetInput, input);
  const [version] = await ctx.db
    .select({ source: ruleSetVersions.source })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.id, versionId), eq(ruleSetVersions.practiceId, ctx.practiceId)));
  if (!version) throw notFound("Rule set version");
  const judgedAgainst = await assertPublishConfirmed(ctx, version.source, confirm);
  return inTx(ctx, async (tx) => {
    await tx.select({ id: practices.id }).from(practices).where(eq(practices.id, ctx.practiceId)).for("update");
    return activate(tx, ctx, versionId, judgedAgainst);
  });
}

export async function listRuleSetVersions({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "rules.listVersions");
  return ctx.db
    .select({
      id: ruleSetVersions.id,
      version: ruleSetVersions.version,
      note: ruleSetVersions.note,
      active: ruleSetVersions.active,
      publishedAt: ruleSetVersions.publishedAt,
      createdBy: ruleSetVersions.createdBy,
      createdAt: ruleSetVersions.createdAt,
    })
    .from(ruleSetVersions)
    .where(eq(ruleSetVersions.practiceId, ctx.practiceId))
    .orderBy(desc(ruleSetVersions.version));
}

export const getRuleSetVersionInput = z.object({ versionId: z.uuid().optional() });

/** One version with its source; without an id, the active one (null when none is published). */
export async function getRuleSetVersion({ ctx, input }: { ctx: Ctx; input?: Input<typeof getRuleSetVersionInput> }) {
  authorize(ctx, "rules.getVersion");
  const { versionId } = parseInput(getRuleSetVersionInput, input ?? {});
  const where = versionId
    ? and(eq(ruleSetVersions.id, versionId), eq(ruleSetVersions.practiceId, ctx.practiceId))
    : and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true));
  const [row] = await ctx.db.select().from(ruleSetVersions).where(where);
  if (!row && versionId) throw notFound("Rule set version");
  return row ?? null;
}

export const checkRulesInput = z.object({ source: z.string().max(200_000) });

/** Diagnostics for the editor as the admin types (no save). */
export async function checkRules({ ctx, input }: { ctx: Ctx; input: Input<typeof checkRulesInput> }) {
  authorize(ctx, "rules.getVersion");
  const { source } = parseInput(checkRulesInput, input);
  try {
    const { warnings } = await compileForPractice(ctx.db, ctx.practiceId, source);
    return { ok: true, diagnostics: warnings };
  } catch (e) {
    if (e instanceof DomainError && e.code === "RULE_INVALID")
      return { ok: false, diagnostics: (e.details as { diagnostics: Diagnostic[] }).diagnostics };
    throw e;
  }
}
