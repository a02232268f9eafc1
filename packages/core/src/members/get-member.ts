// The member profile: details, balance, milestone phases, coupons, recent visits, consents,
// pending requests — what the admin profile and the portal home show.

import { actionRequests, checkIns, consents, events, issuedCoupons, memberBalances, memberPhases } from "@tally/db";
import { patientVisibility } from "@tally/rules";
import { and, desc, eq, gt, isNull, min, or } from "drizzle-orm";
import { z } from "zod";
import { recordMemberAccess } from "../audit/access-log.ts";
import type { Ctx } from "../context.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { type Input, parseInput } from "../verb.ts";
import { findMember, publicMember } from "./shared.ts";

export const getMemberInput = z.object({ id: z.uuid() });

export async function getMember({ ctx, input }: { ctx: Ctx; input: Input<typeof getMemberInput> }) {
  authorize(ctx, "members.get");
  const { id } = parseInput(getMemberInput, input);
  assertSelf(ctx, id);
  const m = await findMember(ctx.db, ctx, id);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  const now = new Date();
  const [balanceRow] = await ctx.db.select({ balance: memberBalances.balance }).from(memberBalances).where(eq(memberBalances.memberId, id));
  const phases = await ctx.db
    .select()
    .from(memberPhases)
    .where(and(eq(memberPhases.memberId, id), eq(memberPhases.practiceId, ctx.practiceId)))
    .orderBy(desc(memberPhases.achievedAt));
  const coupons = await ctx.db
    .select()
    .from(issuedCoupons)
    .where(
      and(
        eq(issuedCoupons.memberId, id),
        eq(issuedCoupons.practiceId, ctx.practiceId),
        eq(issuedCoupons.status, "active"),
        or(isNull(issuedCoupons.expiresAt), gt(issuedCoupons.expiresAt, now)),
      ),
    )
    .orderBy(issuedCoupons.expiresAt);
  const visits = await ctx.db
    .select()
    .from(checkIns)
    .where(and(eq(checkIns.memberId, id), eq(checkIns.practiceId, ctx.practiceId)))
    .orderBy(desc(checkIns.at))
    .limit(20);
  const memberConsents = await ctx.db
    .select()
    .from(consents)
    .where(and(eq(consents.memberId, id), eq(consents.practiceId, ctx.practiceId)));
  const pending = await ctx.db
    .select()
    .from(actionRequests)
    .where(and(eq(actionRequests.memberId, id), eq(actionRequests.practiceId, ctx.practiceId), eq(actionRequests.status, "pending")));
  const [first] = await ctx.db
    .select({ at: min(events.at) })
    .from(events)
    .where(and(eq(events.memberId, id), eq(events.practiceId, ctx.practiceId)));
  // Patients see what the program status lets them (staff see everything).
  const hideBalance = ctx.actor.kind === "member" && !patientVisibility(practice.status).showBalance;
  await recordMemberAccess(ctx, id, "member.profile.read");
  return {
    member: publicMember(m),
    /** "Member since": the member's first activity (their earliest event, imported history
     *  included), or when the record was made if nothing happened yet. */
    memberSince: first?.at ? new Date(first.at) : m.createdAt,
    balance: hideBalance ? null : (balanceRow?.balance ?? 0),
    programStatus: practice.status,
    phases: phases.map((p) => ({ rule: p.ruleName, phase: p.phase, achievedAt: p.achievedAt })),
    coupons: coupons.map((c) => ({ id: c.id, coupon: c.coupon, rule: c.ruleName, issuedAt: c.issuedAt, expiresAt: c.expiresAt })),
    visits: visits.map((v) => ({ id: v.id, method: v.method, at: v.at, locationId: v.locationId })),
    consents: memberConsents.map((c) => ({ kind: c.kind, full: c.full, givenAt: c.givenAt, revokedAt: c.revokedAt })),
    pendingRequests: pending.map((r) => ({ id: r.id, rule: r.ruleName, response: r.response, requestedAt: r.requestedAt })),
  };
}
