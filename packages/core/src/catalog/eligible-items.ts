// Eligible billing codes: which services and items earn consumption points. Codes whose code
// or name look sensitive (euthanasia, cremation, ...) are flagged, and enabling them warns.

import { eligibleItems } from "@tally/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

const sensitivePattern = /euthan|cremat|necrop|autops|grief|bereave|memorial|deceased|burial|disposal of remains|\bdoa\b/i;

/** True when a billing code looks like one a practice would not reward (e.g. euthanasia). */
export const looksSensitive = (code: string, name: string) => sensitivePattern.test(code) || sensitivePattern.test(name);

export interface Warning {
  code: string;
  message: string;
}

const sensitiveWarning = (items: { code: string; name: string }[]): Warning[] =>
  items.map((i) => ({
    code: i.code,
    message: `"${i.name}" (${i.code}) looks sensitive (e.g. euthanasia-related): patients would earn points for it.`,
  }));

export const upsertEligibleItemsInput = z.object({
  items: z
    .array(
      z.object({
        code: z.string().trim().min(1).max(64),
        name: z.string().trim().min(1).max(300),
        enabled: z.boolean().optional(),
        sensitive: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(10_000),
});

/** Adds or renames billing codes (from the PMS code list); new codes start disabled. */
export async function upsertEligibleItems({ ctx, input }: { ctx: Ctx; input: Input<typeof upsertEligibleItemsInput> }) {
  authorize(ctx, "catalog.upsertEligibleItems");
  const { items } = parseInput(upsertEligibleItemsInput, input);
  return inTx(ctx, async (tx) => {
    const rows = items.map((i) => ({
      practiceId: ctx.practiceId,
      code: i.code,
      name: i.name,
      enabled: i.enabled ?? false,
      sensitive: i.sensitive ?? looksSensitive(i.code, i.name),
    }));
    const saved = await tx
      .insert(eligibleItems)
      .values(rows)
      .onConflictDoUpdate({
        target: [eligibleItems.practiceId, eligibleItems.code],
        set: { name: sql`excluded.name`, enabled: sql`excluded.enabled`, sensitive: sql`excluded.sensitive`, updatedAt: sql`now()` },
      })
      .returning();
    await audit(tx, ctx, { action: "catalog.upsertEligibleItems", details: { codes: items.map((i) => i.code) } });
    return { items: saved, warnings: sensitiveWarning(saved.filter((i) => i.enabled && i.sensitive)) };
  });
}

export async function listEligibleItems({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "catalog.listEligibleItems");
  return ctx.db.select().from(eligibleItems).where(eq(eligibleItems.practiceId, ctx.practiceId)).orderBy(asc(eligibleItems.code));
}

export const setEligibleItemInput = z.object({
  id: z.uuid(),
  enabled: z.boolean().optional(),
  sensitive: z.boolean().optional(),
  name: z.string().trim().min(1).max(300).optional(),
});

export async function setEligibleItem({ ctx, input }: { ctx: Ctx; input: Input<typeof setEligibleItemInput> }) {
  authorize(ctx, "catalog.setEligibleItem");
  const { id, ...data } = parseInput(setEligibleItemInput, input);
  return inTx(ctx, async (tx) => {
    const [item] = await tx
      .update(eligibleItems)
      .set({ ...data, updatedAt: new Date() })
      .where(and(eq(eligibleItems.id, id), eq(eligibleItems.practiceId, ctx.practiceId)))
      .returning();
    if (!item) throw notFound("Billing code");
    await audit(tx, ctx, {
      action: "catalog.setEligibleItem",
      targetType: "eligible_item",
      targetId: id,
      details: { code: item.code, ...data },
    });
    return { item, warnings: item.enabled && item.sensitive ? sensitiveWarning([item]) : [] };
  });
}

export const enableAllEligibleItemsInput = z.object({
  /** Sensitive codes stay disabled unless this is true (the warning says why). */
  includeSensitive: z.boolean().default(false),
});

/** "Enable all": every code earns; sensitive ones only when asked, and then with a warning. */
export async function enableAllEligibleItems({ ctx, input }: { ctx: Ctx; input: Input<typeof enableAllEligibleItemsInput> }) {
  authorize(ctx, "catalog.enableAllEligibleItems");
  const { includeSensitive } = parseInput(enableAllEligibleItemsInput, input ?? {});
  return inTx(ctx, async (tx) => {
    const where = includeSensitive
      ? eq(eligibleItems.practiceId, ctx.practiceId)
      : and(eq(eligibleItems.practiceId, ctx.practiceId), eq(eligibleItems.sensitive, false));
    const enabled = await tx.update(eligibleItems).set({ enabled: true, updatedAt: new Date() }).where(where).returning();
    const sensitive = await tx
      .select()
      .from(eligibleItems)
      .where(and(eq(eligibleItems.practiceId, ctx.practiceId), eq(eligibleItems.sensitive, true)));
    await audit(tx, ctx, { action: "catalog.enableAllEligibleItems", details: { includeSensitive, count: enabled.length } });
    const warnings = includeSensitive
      ? sensitiveWarning(sensitive)
      : sensitive
          .filter((s) => !s.enabled)
          .map((s) => ({ code: s.code, message: `"${s.name}" (${s.code}) is sensitive and was left disabled.` }));
    return { enabled: enabled.length, warnings };
  });
}
