// Referral campaigns (standard and seasonal) with invitation links. Points go out only when the
// referral converts (`referral.converted` with the referrer, so `to referrer` awards them).
import { randomBytes } from "node:crypto";
import { referralCampaigns, referrals } from "@tally/db";
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

export async function listReferralCampaigns({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "engagement.list");
  return ctx.db
    .select()
    .from(referralCampaigns)
    .where(eq(referralCampaigns.practiceId, ctx.practiceId))
    .orderBy(desc(referralCampaigns.createdAt));
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
    if (!campaign.active) throw new DomainError("CONFLICT", "This campaign has ended.");
    if (campaign.kind === "seasonal") {
      // Seasonal campaigns invite only within their dates (practice time).
      const practice = await loadPractice(tx, ctx.practiceId);
      const today = localDate(new Date(), practice.timezone);
      if ((campaign.startsOn && today < campaign.startsOn) || (campaign.endsOn && today > campaign.endsOn)) {
        throw new DomainError("CONFLICT", `This campaign runs from ${campaign.startsOn} to ${campaign.endsOn}.`);
      }
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
