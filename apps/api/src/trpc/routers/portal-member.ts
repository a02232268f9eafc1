// The rest of what a signed-in patient does in the portal, beside portal.ts: coupons, orders,
// manual-reward requests, milestones, activity, marketplace, referrals, reviews, consents and
// notification preferences. The member is always the session's own; nothing here takes a member id.
// Core verbs are reached by path, like core.ts does, until @tally/core exports its modules.

import { getPractice } from "@tally/core";
import { z } from "zod";
import { listActivities, participate } from "../../../../../packages/core/src/engagement/marketplace.ts";
import { inviteReferral, listReferralCampaigns, listReferrals } from "../../../../../packages/core/src/engagement/referrals.ts";
import { submitReview } from "../../../../../packages/core/src/engagement/reviews.ts";
import {
  memberActionRequests,
  memberActivity,
  memberConsents,
  memberCoupons,
  memberMilestones,
  memberOrders,
  memberParticipations,
  setEmailUpdates,
} from "../../../../../packages/core/src/members/member-overview.ts";
import { recordConsent } from "../../../../../packages/core/src/members/record-consent.ts";
import { memberProcedure, router } from "../init.ts";

const Limit = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });
const leadOk = memberProcedure.meta({ allowLead: true });

export const portalMemberRouter = router({
  /** Practice facts the pages need to format dates (timezone) and to decide what to show. */
  practice: leadOk.query(async ({ ctx }) => {
    const p = await getPractice({ ctx: ctx.core });
    return { name: p.name, slug: p.slug, timezone: p.timezone, status: p.status, programDescription: p.programDescription };
  }),

  coupons: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberCoupons({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  orders: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberOrders({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  requests: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberActionRequests({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  milestones: memberProcedure.query(({ ctx }) => memberMilestones({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),

  /** Ledger lines with the event behind each; empty unless the program is on (test mode hides points). */
  activity: memberProcedure.input(Limit).query(async ({ ctx, input }) => {
    const p = await getPractice({ ctx: ctx.core });
    if (p.status !== "on") return [];
    return memberActivity({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } });
  }),

  marketplace: memberProcedure.query(async ({ ctx }) => {
    const [activities, done] = await Promise.all([
      listActivities({ ctx: ctx.core }),
      memberParticipations({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } }),
    ]);
    const doneAt = new Map(done.map((d) => [d.activityId, d.at]));
    const now = Date.now();
    return activities
      .filter((a) => !a.endsAt || a.endsAt.getTime() > now || doneAt.has(a.id))
      .map((a) => ({
        id: a.id,
        kind: a.kind,
        title: a.title,
        description: a.description,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        doneAt: doneAt.get(a.id) ?? null,
      }));
  }),

  participate: memberProcedure
    .input(z.object({ activityId: z.uuid(), response: z.string().trim().max(5000).default("") }))
    .mutation(({ ctx, input }) => participate({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),

  /** Active referral campaigns and the member's own referrals (without their tokens). */
  referrals: memberProcedure.query(async ({ ctx }) => {
    const [campaigns, referrals] = await Promise.all([listReferralCampaigns({ ctx: ctx.core }), listReferrals({ ctx: ctx.core })]);
    return {
      campaigns: campaigns
        .filter((c) => c.active)
        .map((c) => ({ id: c.id, name: c.name, kind: c.kind, description: c.description, startsOn: c.startsOn, endsOn: c.endsOn })),
      referrals: referrals.map((r) => ({
        id: r.id,
        campaignId: r.campaignId,
        inviteeName: r.inviteeName,
        inviteeEmail: r.inviteeEmail,
        status: r.status,
        createdAt: r.createdAt,
        convertedAt: r.convertedAt,
      })),
    };
  }),

  /** A personal invitation link; with an email, the invitation is also sent to the friend. */
  refer: memberProcedure
    .input(
      z.object({ campaignId: z.uuid(), inviteeName: z.string().trim().max(200).default(""), inviteeEmail: z.email().max(254).optional() }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await inviteReferral({ ctx: ctx.core, input: { ...input, referrerId: ctx.member.actor.id } });
      const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
      const p = await getPractice({ ctx: ctx.core });
      const link = `${base}/portal/join/${created.token}?practice=${encodeURIComponent(p.slug)}`;
      if (input.inviteeEmail) {
        await ctx.mailer.send({
          practiceId: ctx.core.practiceId,
          to: input.inviteeEmail,
          subject: `${ctx.member.firstName} invited you to ${p.name} rewards`,
          text: `Hello${input.inviteeName ? ` ${input.inviteeName}` : ""},\n\n${ctx.member.firstName} thinks you would like ${p.name}. Join the rewards program here:\n${link}\n`,
        });
      }
      return { referralId: created.referralId, link, emailed: Boolean(input.inviteeEmail) };
    }),

  review: memberProcedure
    .input(z.object({ rating: z.number().int().min(1).max(5), body: z.string().trim().max(5000).default("") }))
    .mutation(({ ctx, input }) => submitReview({ ctx: ctx.core, input: { ...input, platform: "tally", memberId: ctx.member.actor.id } })),

  consents: memberProcedure.query(({ ctx }) => memberConsents({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),

  /** Giving media consent (full) sends `consent.given` through the pipeline: rules award it. */
  giveConsent: memberProcedure
    .input(z.object({ kind: z.enum(["media"]), full: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => recordConsent({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),

  setEmailUpdates: memberProcedure
    .input(z.object({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setEmailUpdates({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
});
