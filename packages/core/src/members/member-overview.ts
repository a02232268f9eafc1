// What a member sees of their own account in the portal: coupons with their expiry, orders,
// manual-reward requests, milestone progress, recent activity with the event behind each entry,
// consents, notification preferences and language. Read-only except the notification preference
// and the language.

import {
  actionRequests,
  consents,
  events,
  issuedCoupons,
  ledgerEntries,
  memberBalances,
  memberEngineStates,
  members,
  orders,
  participations,
  rewards,
} from "@tally/db";
import {
  type MemberState,
  type MilestoneState,
  milestonesOf,
  type Program,
  pointsNotYetAvailable,
  tierStatus,
  upcomingExpirations,
} from "@tally/rules";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { couponLabel } from "../catalog/coupon-names.ts";
import type { Ctx } from "../context.ts";
import { withTierWindow } from "../events/member-states.ts";
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

/** A member's standing as of now (SPEC 7): what the portal, the kiosk's welcome and the admin profile show. */
export interface MemberStanding {
  /** The tier as of now (a lapsed window shows the lower tier before the next event) and what the next one needs; null without tiers. */
  tier: {
    name: string;
    by: "spend" | "points" | "visits";
    months: number;
    /** Cents of spend, points or visit days over the trailing window. */
    value: number;
    /** The tier's multiplier in hundredths (100: none). */
    multiplier: number;
    next: { tier: string; from: number; needed: number } | null;
  } | null;
  /** The points that expire next, soonest first, with their date (ISO). */
  expiring: { points: number; at: string }[];
  /** Points in the balance that cannot be redeemed yet (`available after`), by the date they become available. */
  notYetAvailable: { points: number; at: string }[];
}

/** The standing from the stored engine state and the ledger's balance (the one place apps compute it). */
export function standingOf(program: Program, stored: MemberState | null, balance: number, now = Date.now()): MemberStanding {
  if (!stored || typeof stored !== "object" || !("invoices" in stored)) return { tier: null, expiring: [], notYetAvailable: [] };
  const state: MemberState = { ...stored, balance };
  const status = tierStatus(program, state, now);
  const tier =
    status && program.tiers
      ? {
          name: status.tier,
          by: program.tiers.by,
          months: program.tiers.months,
          value: status.value,
          multiplier: program.tiers.tiers.find((t) => t.name === status.tier)?.hundredths ?? 100,
          next: status.next,
        }
      : null;
  const byDate = new Map<number, number>();
  for (const x of stored.unavailable ?? []) if (x.until > now && x.points > 0) byDate.set(x.until, (byDate.get(x.until) ?? 0) + x.points);
  // Never more than the balance holds (what the engine checks redemptions against).
  let left = Math.min(Math.max(0, balance), pointsNotYetAvailable(structuredClone(state), now));
  const notYetAvailable: MemberStanding["notYetAvailable"] = [];
  for (const [until, points] of [...byDate].sort((a, b) => a[0] - b[0])) {
    const shown = Math.min(points, left);
    if (shown <= 0) break;
    left -= shown;
    notYetAvailable.push({ points: shown, at: new Date(until).toISOString() });
  }
  return { tier, expiring: upcomingExpirations(program, state), notYetAvailable };
}

/** The member's tier, next expiring points and points not yet available, as of now. */
export async function memberStanding({ ctx, input }: { ctx: Ctx; input: OverviewInput }): Promise<MemberStanding> {
  const q = await begin(ctx, input);
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  const [row] = await ctx.db
    .select({ state: memberEngineStates.state, balance: memberBalances.balance })
    .from(memberBalances)
    .leftJoin(
      memberEngineStates,
      and(eq(memberEngineStates.practiceId, memberBalances.practiceId), eq(memberEngineStates.memberId, memberBalances.memberId)),
    )
    .where(eq(memberBalances.memberId, q.memberId));
  const state = (row?.state as MemberState | null) ?? null;
  const now = Date.now();
  if (state) await withTierWindow(ctx.db, ctx.practiceId, program, { [q.memberId]: state }, now);
  return standingOf(program, state, Number(row?.balance ?? 0), now);
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
    .leftJoin(events, and(eq(events.practiceId, ledgerEntries.practiceId), eq(events.id, ledgerEntries.eventId)))
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

export const setMemberLanguageInput = z.object({ memberId: z.uuid(), language: z.enum(["en", "es"]).nullable() });

/** The member's language: null is the browser's language on screen, the practice's in messages. */
export async function memberLanguage({ ctx, input }: { ctx: Ctx; input: { memberId: string } }): Promise<"en" | "es" | null> {
  authorize(ctx, "members.get");
  assertSelf(ctx, input.memberId);
  const m = await findMember(ctx.db, ctx, input.memberId);
  return m.language === "en" || m.language === "es" ? m.language : null;
}

/** The language the member chose (the portal's switch, or the question at first sign-in): the
 *  portal, the kiosk after identification, emails and texts are in it from then on. */
export async function setMemberLanguage({ ctx, input }: { ctx: Ctx; input: Input<typeof setMemberLanguageInput> }) {
  authorize(ctx, "members.recordConsent");
  const data = parseInput(setMemberLanguageInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    await tx
      .update(members)
      .set({ language: data.language })
      .where(and(eq(members.practiceId, ctx.practiceId), eq(members.id, data.memberId)));
    await audit(tx, ctx, {
      action: "members.setLanguage",
      targetType: "member",
      targetId: data.memberId,
      details: { language: data.language },
    });
    return { language: data.language };
  });
}
