// Program settings and locations of the acting practice. Every query is scoped by ctx.practiceId.

import { locations, practices, type Tx } from "@tally/db";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { Locale } from "../i18n/locale.ts";
import { localizedProgramDescription } from "../i18n/translations.ts";
import { rebuildRollups } from "../ledger/rollup.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { logoUrlOf } from "./logo.ts";
import { ianaTimezone, isDefaultPractice } from "./onboarding.ts";

export * from "./logo.ts";
export * from "./onboarding.ts";

export type Practice = typeof practices.$inferSelect;

/** Loads the acting practice (inside a transaction when given one). */
export async function loadPractice(db: Tx | Ctx["db"], practiceId: string): Promise<Practice> {
  const [p] = await db.select().from(practices).where(eq(practices.id, practiceId));
  if (!p) throw notFound("Practice");
  return p;
}

export function publicPractice(p: Practice) {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    timezone: p.timezone,
    status: p.status,
    programDescription: p.programDescription,
    pointCostCentiCents: p.pointCostCentiCents,
    address: p.address,
    phone: p.phone,
    /** The language patients see first (the kiosk's start screen returns to it). */
    language: p.language === "es" ? ("es" as const) : ("en" as const),
    /** Inducement guardrails (docs/compliance.md): limits in cents, null = no limit. */
    rewardValueLimitCents: p.rewardValueLimitCents,
    yearlyRedemptionLimitCents: p.yearlyRedemptionLimitCents,
    referralRewards: p.referralRewards,
    /** Invoice line items older than this many years are removed (null = kept). */
    lineItemRetentionYears: p.lineItemRetentionYears,
  };
}

export async function getPractice({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "practices.get");
  const [p, logoUrl, isDefault] = await Promise.all([
    loadPractice(ctx.db, ctx.practiceId),
    logoUrlOf(ctx.db, ctx.practiceId),
    isDefaultPractice(ctx.db, ctx.practiceId),
  ]);
  return { ...publicPractice(p), logoUrl, isDefault };
}

export const getPublicPracticeInput = z.object({ slug: z.string().min(1).max(100) });

/** What the apps show about a practice before anyone signs in (by its address, no actor). */
export async function getPublicPractice({
  db,
  input,
  locale,
}: {
  db: Ctx["db"];
  input: Input<typeof getPublicPracticeInput>;
  /** The visitor's language: the program description in it when translated. */
  locale?: Locale;
}) {
  const { slug } = parseInput(getPublicPracticeInput, input);
  const [p] = await db
    .select({
      id: practices.id,
      name: practices.name,
      timezone: practices.timezone,
      status: practices.status,
      programDescription: practices.programDescription,
    })
    .from(practices)
    .where(eq(practices.slug, slug));
  if (!p) throw new DomainError("NOT_FOUND", "No practice with that address.");
  const { id, ...rest } = p;
  return {
    ...rest,
    programDescription: await localizedProgramDescription(db, id, p.programDescription, locale),
    logoUrl: await logoUrlOf(db, id),
  };
}

const timezone = ianaTimezone;

export const updateSettingsInput = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  status: z.enum(["on", "off", "test"]).optional(),
  programDescription: z.string().max(5000).optional(),
  timezone: timezone.optional(),
  /** What one point costs the practice, in hundredths of a cent (1000 = $0.10). */
  pointCostCentiCents: z.number().int().min(0).max(10_000_000).optional(),
  address: z.string().trim().max(500).optional(),
  phone: z.string().trim().max(50).optional(),
  /** The language patients see first: the kiosk's start screen returns to it after each patient. */
  language: z.enum(["en", "es"]).optional(),
  /** Inducement guardrails, in cents (null = no limit; the suggested limits are $15 and $75). */
  rewardValueLimitCents: z.number().int().min(0).max(100_000_000).nullable().optional(),
  yearlyRedemptionLimitCents: z.number().int().min(0).max(100_000_000).nullable().optional(),
  /** Off where the practice's state forbids paying for referrals. */
  referralRewards: z.boolean().optional(),
  /** Remove invoice line items from events older than this many years (null = keep them). */
  lineItemRetentionYears: z.number().int().min(1).max(100).nullable().optional(),
});

export async function updateSettings({ ctx, input }: { ctx: Ctx; input: Input<typeof updateSettingsInput> }) {
  authorize(ctx, "practices.updateSettings");
  const data = parseInput(updateSettingsInput, input);
  return inTx(ctx, async (tx) => {
    const before = await loadPractice(tx, ctx.practiceId);
    const [p] = await tx
      .update(practices)
      .set({ ...data, updatedAt: new Date() })
      .where(eq(practices.id, ctx.practiceId))
      .returning();
    // The ledger's rollups are by local day: another timezone moves entries to other days.
    if (data.timezone !== undefined && data.timezone !== before.timezone) await rebuildRollups(tx, ctx.practiceId);
    const changed = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { from: before[k as keyof Practice], to: v }]));
    await audit(tx, ctx, { action: "practices.updateSettings", targetType: "practice", targetId: ctx.practiceId, details: changed });
    return publicPractice(p!);
  });
}

export const locationInput = z.object({
  name: z.string().trim().min(1).max(200),
  address: z.string().max(500).default(""),
  phone: z.string().max(50).default(""),
});

export async function listLocations({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "practices.listLocations");
  return ctx.db.select().from(locations).where(eq(locations.practiceId, ctx.practiceId)).orderBy(asc(locations.name));
}

export async function createLocation({ ctx, input }: { ctx: Ctx; input: Input<typeof locationInput> }) {
  authorize(ctx, "practices.createLocation");
  const data = parseInput(locationInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .insert(locations)
      .values({ ...data, practiceId: ctx.practiceId })
      .returning();
    await audit(tx, ctx, { action: "practices.createLocation", targetType: "location", targetId: row!.id, details: data });
    return row!;
  });
}

export const updateLocationInput = locationInput.partial().extend({ id: z.uuid() });

export async function updateLocation({ ctx, input }: { ctx: Ctx; input: Input<typeof updateLocationInput> }) {
  authorize(ctx, "practices.updateLocation");
  const { id, ...data } = parseInput(updateLocationInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(locations)
      .set(data)
      .where(and(eq(locations.id, id), eq(locations.practiceId, ctx.practiceId)))
      .returning();
    if (!row) throw notFound("Location");
    await audit(tx, ctx, { action: "practices.updateLocation", targetType: "location", targetId: id, details: data });
    return row;
  });
}
