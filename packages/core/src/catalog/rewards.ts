// The rewards catalog: gift cards, in-house prizes and coupons with a point price. Deleting is
// soft, so orders keep their history; disabled rewards stay listed for staff only.

import { practices, rewards } from "@tally/db";
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { localized, type Translations } from "../i18n/locale.ts";
import { translationsInput, translationsOf, writeTranslations } from "../i18n/translations.ts";
import { authorize } from "../permissions.ts";
import { assertGiftCardProduct, giftCardAfterUpdate } from "../redemption/gift-card-catalog.ts";
import { itemLimitWarning } from "../redemption/inducements.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

const rewardFields = {
  name: z.string().trim().min(1).max(200),
  pointsPrice: z.number().int().positive().max(10_000_000),
  description: z.string().max(5000).default(""),
  imageUrl: z.url().max(2000).nullable().optional(),
  enabled: z.boolean().default(true),
  valueCents: z.number().int().positive().max(100_000_000).nullable().optional(),
  providerSku: z.string().max(200).nullable().optional(),
  couponCode: z.string().trim().min(1).max(100).nullable().optional(),
  couponValidDays: z.number().int().positive().max(3650).nullable().optional(),
  /** The name and description in other languages: `{ es: { name, description } }`. */
  translations: translationsInput.optional(),
};

export const createRewardInput = z
  .object({ kind: z.enum(["gift_card", "in_house", "coupon"]), ...rewardFields })
  .refine((r) => r.kind !== "gift_card" || (r.valueCents && r.providerSku), { message: "a gift card needs valueCents and providerSku" })
  .refine((r) => r.kind !== "coupon" || r.couponCode, { message: "a coupon needs couponCode" });

export type Reward = typeof rewards.$inferSelect;

export async function createReward({ ctx, input }: { ctx: Ctx; input: Input<typeof createRewardInput> }) {
  authorize(ctx, "catalog.createReward");
  const { translations, ...data } = parseInput(createRewardInput, input);
  // Checked against the provider's catalog before the transaction (the provider may be slow).
  if (data.kind === "gift_card" && data.providerSku && data.valueCents) await assertGiftCardProduct(ctx, data.providerSku, data.valueCents);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .insert(rewards)
      .values({ ...data, practiceId: ctx.practiceId })
      .returning();
    const saved = await writeTranslations(tx, ctx.practiceId, "reward", row!.id, rewardTextFields, translations ?? {});
    await audit(tx, ctx, {
      action: "catalog.createReward",
      targetType: "reward",
      targetId: row!.id,
      details: { name: data.name, kind: data.kind, pointsPrice: data.pointsPrice },
    });
    return { ...row!, translations: saved };
  });
}

export const updateRewardInput = z.object({
  id: z.uuid(),
  name: rewardFields.name.optional(),
  pointsPrice: rewardFields.pointsPrice.optional(),
  description: z.string().max(5000).optional(),
  imageUrl: rewardFields.imageUrl,
  enabled: z.boolean().optional(),
  valueCents: rewardFields.valueCents,
  providerSku: rewardFields.providerSku,
  couponCode: rewardFields.couponCode,
  couponValidDays: rewardFields.couponValidDays,
  translations: rewardFields.translations,
});

export async function updateReward({ ctx, input }: { ctx: Ctx; input: Input<typeof updateRewardInput> }) {
  authorize(ctx, "catalog.updateReward");
  const { id, translations, ...data } = parseInput(updateRewardInput, input);
  if (data.providerSku !== undefined || data.valueCents !== undefined) {
    const card = await giftCardAfterUpdate(ctx, id, data);
    if (card) await assertGiftCardProduct(ctx, card.sku, card.valueCents);
  }
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(rewards)
      .set({ ...data, updatedAt: new Date() })
      .where(and(eq(rewards.id, id), eq(rewards.practiceId, ctx.practiceId), isNull(rewards.deletedAt)))
      .returning();
    if (!row) throw notFound("Reward");
    // Translations sent replace the reward's; not sent, they stay.
    const saved = translations
      ? await writeTranslations(tx, ctx.practiceId, "reward", id, rewardTextFields, translations)
      : ((await translationsOf(tx, ctx.practiceId, "reward", [id])).get(id) ?? {});
    await audit(tx, ctx, {
      action: "catalog.updateReward",
      targetType: "reward",
      targetId: id,
      details: translations ? { ...data, translations: saved } : data,
    });
    return { ...row, translations: saved };
  });
}

export const deleteRewardInput = z.object({ id: z.uuid() });

export async function deleteReward({ ctx, input }: { ctx: Ctx; input: Input<typeof deleteRewardInput> }) {
  authorize(ctx, "catalog.deleteReward");
  const { id } = parseInput(deleteRewardInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(rewards)
      .set({ deletedAt: new Date(), enabled: false, updatedAt: new Date() })
      .where(and(eq(rewards.id, id), eq(rewards.practiceId, ctx.practiceId), isNull(rewards.deletedAt)))
      .returning();
    if (!row) throw notFound("Reward");
    await audit(tx, ctx, { action: "catalog.deleteReward", targetType: "reward", targetId: id, details: { name: row.name } });
    return { id, deleted: true };
  });
}

export const listRewardsInput = z.object({ includeDisabled: z.boolean().default(false) });

const rewardTextFields = ["name", "description"] as const;

/** Members see enabled rewards only; staff may ask for disabled ones too. Deleted never show.
 *  The name and description are in the caller's locale when translated (else as written), and
 *  each reward carries its translations (the admin form shows them). */
export async function listRewards({ ctx, input }: { ctx: Ctx; input?: Input<typeof listRewardsInput> }) {
  authorize(ctx, "catalog.listRewards");
  const { includeDisabled } = parseInput(listRewardsInput, input ?? {});
  const staffView = includeDisabled && ctx.actor.kind !== "member";
  const where = [eq(rewards.practiceId, ctx.practiceId), isNull(rewards.deletedAt)];
  if (!staffView) where.push(eq(rewards.enabled, true));
  const [rows, [practice]] = await Promise.all([
    ctx.db
      .select()
      .from(rewards)
      .where(and(...where))
      .orderBy(asc(rewards.pointsPrice), asc(rewards.name)),
    ctx.db.select().from(practices).where(eq(practices.id, ctx.practiceId)),
  ]);
  const translations = await translationsOf(
    ctx.db,
    ctx.practiceId,
    "reward",
    rows.map((r) => r.id),
  );
  // Inducement guardrails: staff see which rewards are worth more than the per-item limit.
  return rows.map((r) => ({
    ...localizeReward(r, translations.get(r.id) ?? {}, ctx.locale),
    limitWarning: staffView && practice ? itemLimitWarning(r, practice) : null,
  }));
}

/** A reward with its name and description in the locale (else as written) and its translations. */
export const localizeReward = <R extends { name: string; description: string }>(
  r: R,
  translations: Translations,
  locale: Ctx["locale"],
) => ({
  ...r,
  name: localized(r.name, translations, locale, "name"),
  description: localized(r.description, translations, locale, "description"),
  translations,
});

/** Coupon names the catalog knows: the rule checker refuses others. */
export async function catalogCouponNames(db: Ctx["db"], practiceId: string): Promise<string[]> {
  const rows = await db
    .select({ code: rewards.couponCode })
    .from(rewards)
    .where(and(eq(rewards.practiceId, practiceId), isNull(rewards.deletedAt), eq(rewards.kind, "coupon")));
  return rows.map((r) => r.code).filter((c): c is string => !!c);
}

export function assertRedeemable(r: Reward | undefined): asserts r is Reward {
  if (!r || r.deletedAt) throw notFound("Reward");
  if (!r.enabled) throw new DomainError("CONFLICT", "This reward is not available right now.");
}
