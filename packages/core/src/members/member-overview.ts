// What a member sees of their own account in the portal: coupons with their expiry, orders,
// manual-reward requests, milestone progress, recent activity with the event behind each entry,
// consents and notification preferences. Read-only except the notification preference.

import {
  actionRequests,
  consents,
  events,
  issuedCoupons,
  ledgerEntries,
  memberEngineStates,
  orders,
  participations,
  rewards,
} from "@tally/db";
import { type MilestoneState, milestonesOf } from "@tally/rules";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { couponLabel } from "../catalog/coupon-names.ts";
import type { Ctx } from "../context.ts";
import { loadSetup } from "../events/program.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { giftCardOf } from "../redemption/gift-cards.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { findMember } from "./shared.ts";

export const memberOverviewInput = z.object({ memberId: z.uuid(), limit: z.number().int().min(1).max(200).default(50) });
type OverviewInput = Input<typeof memberOverviewInput>;

async function begin(ctx: Ctx, input: OverviewInput) {
  authorize(ctx, "members.get");
  const q = parseInput(memberOverviewInput, input);
  assertSelf(ctx, q.memberId);
  await findMember(ctx.db, ctx, q.memberId);
  return q;
}

export { couponLabel } from "../catalog/coupon-names.ts";

/** The member's coupons, newest first; an active coupon past its expiry reads as expired. */
export async function memberCoupons({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  const rows = await ctx.db
    .select()
    .from(issuedCoupons)
    .where(and(eq(issuedCoupons.practiceId, ctx.practiceId), eq(issuedCoupons.memberId, q.memberId)))
    .orderBy(desc(issuedCoupons.issuedAt))
    .limit(q.limit);
  const codes = [...new Set(rows.map((r) => r.coupon))];
  const named = codes.length
    ? await ctx.db
        .select({ code: rewards.couponCode, name: rewards.name, description: rewards.description })
        .from(rewards)
        .where(and(eq(rewards.practiceId, ctx.practiceId), inArray(rewards.couponCode, codes)))
    : [];
  const byCode = new Map(named.map((n) => [n.code, n]));
  const now = Date.now();
  return rows.map((r) => ({
    id: r.id,
    coupon: r.coupon,
    name: byCode.get(r.coupon)?.name ?? couponLabel(r.coupon),
    description: byCode.get(r.coupon)?.description ?? "",
    ruleName: r.ruleName,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
    status: r.status === "active" && r.expiresAt && r.expiresAt.getTime() <= now ? ("expired" as const) : r.status,
  }));
}

/** The member's orders (redemptions), newest first. */
export async function memberOrders({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  const rows = await ctx.db
    .select({
      id: orders.id,
      rewardName: orders.rewardName,
      rewardKind: orders.rewardKind,
      points: orders.points,
      status: orders.status,
      fulfilment: orders.fulfilment,
      note: orders.note,
      createdAt: orders.createdAt,
      fulfilledAt: orders.fulfilledAt,
      cancelledAt: orders.cancelledAt,
    })
    .from(orders)
    .where(and(eq(orders.practiceId, ctx.practiceId), eq(orders.memberId, q.memberId)))
    .orderBy(desc(orders.createdAt))
    .limit(q.limit);
  // The patient sees the card's claim code and link, never the fulfilment's internals (outbox state).
  return rows.map(({ fulfilment, ...o }) => ({ ...o, giftCard: giftCardOf(fulfilment) }));
}

/** The member's manual-reward requests (pending / approved / rejected), newest first. */
export async function memberActionRequests({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  return ctx.db
    .select({
      id: actionRequests.id,
      rule: actionRequests.ruleName,
      response: actionRequests.response,
      status: actionRequests.status,
      requestedAt: actionRequests.requestedAt,
      decidedAt: actionRequests.decidedAt,
    })
    .from(actionRequests)
    .where(and(eq(actionRequests.practiceId, ctx.practiceId), eq(actionRequests.memberId, q.memberId)))
    .orderBy(desc(actionRequests.requestedAt))
    .limit(q.limit);
}

/** Milestone programs of the active rule set with this member's progress (one shape: @tally/rules). */
export async function memberMilestones({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  const [row] = await ctx.db
    .select({ state: memberEngineStates.state })
    .from(memberEngineStates)
    .where(eq(memberEngineStates.memberId, q.memberId));
  return milestonesOf(program, row?.state as { milestones?: Record<string, Partial<MilestoneState>> } | null);
}

/** Ledger entries with the type of the event behind each (for "+24 pts — visit on May 1"). */
export async function memberActivity({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  const rows = await ctx.db
    .select({
      id: ledgerEntries.id,
      kind: ledgerEntries.kind,
      points: ledgerEntries.points,
      ruleName: ledgerEntries.ruleName,
      note: ledgerEntries.note,
      explanation: ledgerEntries.explanation,
      at: ledgerEntries.at,
      eventType: events.type,
      orderId: ledgerEntries.orderId,
    })
    .from(ledgerEntries)
    .leftJoin(events, eq(events.id, ledgerEntries.eventId))
    .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), eq(ledgerEntries.memberId, q.memberId)))
    .orderBy(desc(ledgerEntries.at), desc(ledgerEntries.createdAt))
    .limit(q.limit);
  return rows;
}

/** The kind under which the email-updates preference is kept among the member's consents. */
export const emailUpdatesKind = "notifications.email";

/** Consents the member gave (latest per kind, not revoked) and the notification preference. */
export async function memberConsents({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  const rows = await ctx.db
    .select({ kind: consents.kind, full: consents.full, givenAt: consents.givenAt })
    .from(consents)
    .where(and(eq(consents.practiceId, ctx.practiceId), eq(consents.memberId, q.memberId), isNull(consents.revokedAt)))
    .orderBy(desc(consents.givenAt), desc(consents.createdAt));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.kind)) latest.set(r.kind, r);
  const email = latest.get(emailUpdatesKind);
  latest.delete(emailUpdatesKind);
  return { consents: [...latest.values()], emailUpdates: email ? email.full : true };
}

export const setEmailUpdatesInput = z.object({ memberId: z.uuid(), enabled: z.boolean() });

/** Daily points email on or off; kept as a consent row (no event: it rewards nothing). */
export async function setEmailUpdates({ ctx, input }: { ctx: Ctx; input: Input<typeof setEmailUpdatesInput> }) {
  authorize(ctx, "members.recordConsent");
  const data = parseInput(setEmailUpdatesInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    await tx
      .insert(consents)
      .values({ practiceId: ctx.practiceId, memberId: data.memberId, kind: emailUpdatesKind, full: data.enabled, givenAt: new Date() });
    await audit(tx, ctx, {
      action: "members.setEmailUpdates",
      targetType: "member",
      targetId: data.memberId,
      details: { enabled: data.enabled },
    });
    return { emailUpdates: data.enabled };
  });
}

/** Marketplace activities the member already took part in, to show them as done. */
export async function memberParticipations({ ctx, input }: { ctx: Ctx; input: OverviewInput }) {
  const q = await begin(ctx, input);
  return ctx.db
    .select({ activityId: participations.activityId, at: participations.at })
    .from(participations)
    .where(and(eq(participations.practiceId, ctx.practiceId), eq(participations.memberId, q.memberId)));
}
