// Referral campaigns (standard and seasonal) with invitation links. Points go out only when the
// referral converts (`referral.converted` with the referrer, so `to referrer` awards them). A
// campaign runs on a day when it is active (not ended by an admin) and the day is within its dates
// (both ends included, the practice's calendar): `campaignRunning` is that rule, for the portal's
// list and for inviting alike.
import { randomBytes } from "node:crypto";
import { referralCampaigns, referrals, type Tx } from "@tally/db";
import { localDate } from "@tally/rules";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { calendarDate } from "../schemas.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export const createCampaignInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(["standard", "seasonal"]).default("standard"),
    description: z.string().max(2000).default(""),
    startsOn: calendarDate().optional(),
    endsOn: calendarDate().optional(),
  })
  .refine((c) => c.kind === "standard" || (c.startsOn && c.endsOn), { message: "a seasonal campaign needs startsOn and endsOn" })
  .refine((c) => !c.startsOn || !c.endsOn || c.startsOn <= c.endsOn, { message: "startsOn must not be after endsOn" });

export async function createReferralCampaign({ ctx, input }: { ctx: Ctx; input: Input<typeof createCampaignInput> }) {
  authorize(ctx, "engagement.manageReferrals");
  const data = parseInput(createCampaignInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .insert(referralCampaigns)
      .values({ ...data, practiceId: ctx.practiceId })
      .returning();
    await audit(tx, ctx, {
      action: "engagement.createReferralCampaign",
      targetType: "referral_campaign",
      targetId: row!.id,
      details: data,
    });
    return row!;
  });
}

type Campaign = typeof referralCampaigns.$inferSelect;

/** Whether a campaign runs on a calendar day (YYYY-MM-DD, the practice's): active and within its dates. */
export function campaignRunning(c: Pick<Campaign, "active" | "startsOn" | "endsOn">, today: string): boolean {
  return c.active && (!c.startsOn || c.startsOn <= today) && (!c.endsOn || today <= c.endsOn);
}

/** A campaign's name as people read it: the rules' name "back-to-school" reads "Back to school". */
export function campaignTitle(name: string): string {
  const words = name.replace(/[-_]+/g, " ").replace(/\s+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A calendar date as people read it: "Sep 15, 2026". */
const readableDay = (isoDate: string) =>
  new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" }).format(
    new Date(`${isoDate}T12:00:00Z`),
  );

/** The practice's calendar day now. */
async function practiceToday(db: Tx | Ctx["db"], practiceId: string, now: Date) {
  const practice = await loadPractice(db, practiceId);
  return localDate(now, practice.timezone);
}

/** The practice's campaigns, newest first; with `running`, only those running today (the portal's list). */
export async function listReferralCampaigns({ ctx, input }: { ctx: Ctx; input?: { running?: boolean; now?: Date } }) {
  authorize(ctx, "engagement.list");
  const rows = await ctx.db
    .select()
    .from(referralCampaigns)
    .where(eq(referralCampaigns.practiceId, ctx.practiceId))
    .orderBy(desc(referralCampaigns.createdAt));
  const today = await practiceToday(ctx.db, ctx.practiceId, input?.now ?? new Date());
  const listed = rows.map((c) => ({ ...c, title: campaignTitle(c.name), running: campaignRunning(c, today) }));
  return input?.running ? listed.filter((c) => c.running) : listed;
}

export const updateCampaignInput = z
  .object({
    id: z.uuid(),
    description: z.string().max(2000).optional(),
    kind: z.enum(["standard", "seasonal"]).optional(),
    /** Null clears the date (a campaign without an end runs until an admin ends it). */
    startsOn: calendarDate().nullable().optional(),
    endsOn: calendarDate().nullable().optional(),
  })
  .refine((c) => !c.startsOn || !c.endsOn || c.startsOn <= c.endsOn, { message: "The start date must not be after the end date." });

/** An admin edits a campaign's description, kind and dates (its name is what the rules test, so it stays). */
export async function updateReferralCampaign({ ctx, input }: { ctx: Ctx; input: Input<typeof updateCampaignInput> }) {
  authorize(ctx, "engagement.manageReferrals");
  const { id, ...data } = parseInput(updateCampaignInput, input);
  return inTx(ctx, async (tx) => {
    const [before] = await tx
      .select()
      .from(referralCampaigns)
      .where(and(eq(referralCampaigns.id, id), eq(referralCampaigns.practiceId, ctx.practiceId)))
      .for("update");
    if (!before) throw notFound("Referral campaign");
    const next = { ...before, ...data };
    if (next.kind === "seasonal" && (!next.startsOn || !next.endsOn))
      throw new DomainError("INVALID_INPUT", "A seasonal campaign needs a start date and an end date.");
    if (next.startsOn && next.endsOn && next.startsOn > next.endsOn)
      throw new DomainError("INVALID_INPUT", "The start date must not be after the end date.");
    const [row] = await tx.update(referralCampaigns).set(data).where(eq(referralCampaigns.id, id)).returning();
    await audit(tx, ctx, {
      action: "engagement.updateReferralCampaign",
      targetType: "referral_campaign",
      targetId: id,
      details: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, { from: before[k as keyof Campaign], to: v }])),
    });
    return row!;
  });
}

export const endCampaignInput = z.object({ id: z.uuid() });

/** An admin ends a campaign now: no new invitations; links already sent still convert. */
export async function endReferralCampaign({ ctx, input }: { ctx: Ctx; input: Input<typeof endCampaignInput> }) {
  authorize(ctx, "engagement.manageReferrals");
  const { id } = parseInput(endCampaignInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(referralCampaigns)
      .set({ active: false })
      .where(and(eq(referralCampaigns.id, id), eq(referralCampaigns.practiceId, ctx.practiceId)))
      .returning();
    if (!row) throw notFound("Referral campaign");
    await audit(tx, ctx, { action: "engagement.endReferralCampaign", targetType: "referral_campaign", targetId: id });
    return row;
  });
}

export const inviteReferralInput = z.object({
  campaignId: z.uuid(),
  referrerId: z.uuid(),
  inviteeName: z.string().max(200).default(""),
  inviteeEmail: z.email().optional(),
});

export async function inviteReferral({ ctx, input }: { ctx: Ctx; input: Input<typeof inviteReferralInput> }) {
  authorize(ctx, "engagement.inviteReferral");
  const data = parseInput(inviteReferralInput, input);
  assertSelf(ctx, data.referrerId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.referrerId);
    const [campaign] = await tx
      .select()
      .from(referralCampaigns)
      .where(and(eq(referralCampaigns.id, data.campaignId), eq(referralCampaigns.practiceId, ctx.practiceId)));
    if (!campaign) throw notFound("Referral campaign");
    // Invitations only while the campaign runs (its dates in the practice's calendar).
    const today = await practiceToday(tx, ctx.practiceId, new Date());
    if (!campaignRunning(campaign, today)) {
      const title = campaignTitle(campaign.name);
      if (campaign.active && campaign.startsOn && today < campaign.startsOn)
        throw new DomainError("CONFLICT", `${title} starts on ${readableDay(campaign.startsOn)}.`);
      throw new DomainError(
        "CONFLICT",
        campaign.active && campaign.endsOn ? `${title} ended on ${readableDay(campaign.endsOn)}.` : `${title} has ended.`,
      );
    }
    const token = randomBytes(16).toString("base64url");
    const [row] = await tx
      .insert(referrals)
      .values({ ...data, practiceId: ctx.practiceId, token })
      .returning();
    await audit(tx, ctx, {
      action: "engagement.inviteReferral",
      targetType: "referral",
      targetId: row!.id,
      details: { campaign: campaign.name },
    });
    return { referralId: row!.id, token, path: `/portal/join/${token}` };
  });
}

export const convertReferralInput = z.object({
  token: z.string().min(8).max(200),
  /** The new member the referral became. */
  memberId: z.uuid(),
});

export async function convertReferral({ ctx, input }: { ctx: Ctx; input: Input<typeof convertReferralInput> }) {
  authorize(ctx, "engagement.convertReferral");
  const data = parseInput(convertReferralInput, input);
  return inTx(ctx, async (tx) => {
    const [ref] = await tx
      .select()
      .from(referrals)
      .where(and(eq(referrals.token, data.token), eq(referrals.practiceId, ctx.practiceId)))
      .for("update");
    if (!ref) throw notFound("Referral");
    if (ref.status === "converted") throw new DomainError("CONFLICT", "This referral has already converted.");
    await findMember(tx, ctx, data.memberId);
    const [campaign] = await tx.select().from(referralCampaigns).where(eq(referralCampaigns.id, ref.campaignId));
    const now = new Date();
    const outcome = await processEvent(tx, ctx, {
      id: `referral:${ref.id}`,
      type: "referral.converted",
      at: now.toISOString(),
      member: data.memberId,
      referral: { referrer: ref.referrerId, campaign: campaign!.name },
    });
    await tx
      .update(referrals)
      .set({ status: "converted", referredMemberId: data.memberId, convertedAt: now, eventId: outcome.eventId })
      .where(eq(referrals.id, ref.id));
    await audit(tx, ctx, {
      action: "engagement.convertReferral",
      targetType: "referral",
      targetId: ref.id,
      details: { memberId: data.memberId },
    });
    return { referralId: ref.id, awards: outcome.awards };
  });
}

export async function listReferrals({ ctx, input }: { ctx: Ctx; input?: { campaignId?: string } }) {
  authorize(ctx, "engagement.list");
  const where = [eq(referrals.practiceId, ctx.practiceId)];
  if (input?.campaignId) where.push(eq(referrals.campaignId, input.campaignId));
  if (ctx.actor.kind === "member") where.push(eq(referrals.referrerId, ctx.actor.id));
  const rows = await ctx.db
    .select()
    .from(referrals)
    .where(and(...where))
    .orderBy(desc(referrals.createdAt));
  return rows.map(({ token: _t, ...r }) => r);
}
