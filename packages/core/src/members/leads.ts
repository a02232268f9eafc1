// Leads: people who self-registered from the contact form ("I never received a number or code").
// They have limited access (no points, no redemptions) until an admin converts them to a member
// or merges them into the member they already are.

import { memberBalances, members, referrals, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { convertReferral } from "../engagement/referrals.ts";
import { DomainError } from "../errors.ts";
import { enqueueMessage } from "../messages/outbox.ts";
import { authorize } from "../permissions.ts";
import { calendarDate } from "../schemas.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { mergeInto } from "./merge-members.ts";
import { markRegistered } from "./registration.ts";
import { searchMembers } from "./search-members.ts";
import { findMember, normalizeEmail, normalizePhone, publicMember } from "./shared.ts";

export const registerLeadInput = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: z.email().max(320),
  phone: z.string().max(40).optional(),
  birthday: calendarDate().optional(),
  note: z.string().max(2000).default(""),
  /** The token of the friend's referral link the lead came through. Kept only when it is an
   *  invited (not yet converted) referral of this practice; anything else is ignored, never an error. */
  referralToken: z.string().max(2000).optional(),
});

/** The token of an invited referral of this practice, or null. */
async function openReferral(tx: Tx, ctx: Ctx, token: string | null | undefined, options: { lock?: boolean } = {}) {
  if (!token) return null;
  const q = tx
    .select({ id: referrals.id, token: referrals.token, status: referrals.status, referrerId: referrals.referrerId })
    .from(referrals)
    .where(and(eq(referrals.token, token), eq(referrals.practiceId, ctx.practiceId)));
  const [ref] = options.lock ? await q.for("update") : await q;
  return ref && ref.status === "invited" ? ref : null;
}

export async function registerLead({ ctx, input }: { ctx: Ctx; input: Input<typeof registerLeadInput> }) {
  authorize(ctx, "members.registerLead");
  const data = parseInput(registerLeadInput, input);
  return inTx(ctx, async (tx) => {
    const referral = await openReferral(tx, ctx, data.referralToken?.trim());
    const [lead] = await tx
      .insert(members)
      .values({
        practiceId: ctx.practiceId,
        firstName: data.firstName,
        lastName: data.lastName,
        email: normalizeEmail(data.email),
        phone: normalizePhone(data.phone) ?? null,
        birthday: data.birthday ?? null,
        status: "lead",
        leadNote: data.note,
        referralToken: referral?.token ?? null,
      })
      .returning();
    await audit(tx, ctx, {
      action: "members.registerLead",
      targetType: "member",
      targetId: lead!.id,
      details: { email: lead!.email, ...(referral ? { referralId: referral.id } : {}) },
    });
    // "Thanks for signing up" (message outbox), committed with the lead.
    await enqueueMessage(tx, {
      practiceId: ctx.practiceId,
      memberId: lead!.id,
      kind: "lead_confirmation",
      channel: "email",
      subjectKey: "signup",
      title: "Thanks for signing up",
      data: { firstName: lead!.firstName },
    });
    return { id: lead!.id, status: "lead" as const };
  });
}

export const listLeadsInput = z.object({
  q: z.string().max(200).default(""),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
});

export async function listLeads({ ctx, input }: { ctx: Ctx; input?: Input<typeof listLeadsInput> }) {
  authorize(ctx, "members.listLeads");
  const q = parseInput(listLeadsInput, input ?? {});
  return searchMembers({ ctx: { ...ctx, actor: ctx.actor }, input: { ...q, status: "lead" } });
}

const registeredFields = (m: { registered: boolean; registeredAt: Date | null }) => ({
  registered: m.registered,
  registeredAt: m.registeredAt,
});

export const convertLeadInput = z.object({
  id: z.uuid(),
  /** Merge into this existing member instead of creating a new one. */
  mergeIntoId: z.uuid().optional(),
});

export async function convertLead({ ctx, input }: { ctx: Ctx; input: Input<typeof convertLeadInput> }) {
  authorize(ctx, "members.convertLead");
  const { id, mergeIntoId } = parseInput(convertLeadInput, input);
  return inTx(ctx, async (tx) => {
    const lead = await findMember(tx, ctx, id, { lock: true });
    if (lead.status !== "lead")
      throw new DomainError(
        "CONFLICT",
        lead.status === "member" && lead.leadNote !== null ? "This lead was already converted." : "This record is not a lead.",
      );
    // The friend's referral the lead came through converts with it (awarding the referrer once),
    // unless it converted meanwhile or the lead is (merged into) the referrer.
    const withReferral = async (memberId: string) => {
      const ref = await openReferral(tx, ctx, lead.referralToken, { lock: true });
      if (!ref || ref.referrerId === memberId) return null;
      return (await convertReferral({ ctx: { ...ctx, db: tx }, input: { token: ref.token, memberId } })).referralId;
    };
    if (mergeIntoId) {
      // A lead never earned anything; merging keeps the survivor and hides the lead.
      await tx.update(members).set({ status: "member" }).where(eq(members.id, id));
      const result = await mergeInto(tx, ctx, id, mergeIntoId);
      // The person behind the lead is the survivor: it is registered now (once: welcome points).
      await markRegistered(tx, ctx, mergeIntoId);
      const referralId = await withReferral(mergeIntoId);
      await audit(tx, ctx, {
        action: "members.convertLead",
        targetType: "member",
        targetId: mergeIntoId,
        details: { leadId: id, merged: true, ...(referralId ? { referralId } : {}) },
      });
      return { ...result.member, ...registeredFields(await findMember(tx, ctx, mergeIntoId)) };
    }
    await tx.update(members).set({ status: "member", updatedAt: new Date() }).where(eq(members.id, id));
    await tx.insert(memberBalances).values({ memberId: id, practiceId: ctx.practiceId, balance: 0 }).onConflictDoNothing();
    // A converted lead is a registered member (they chose a password when they signed up).
    await markRegistered(tx, ctx, id);
    const referralId = await withReferral(id);
    const m = await findMember(tx, ctx, id);
    await audit(tx, ctx, {
      action: "members.convertLead",
      targetType: "member",
      targetId: id,
      details: { merged: false, ...(referralId ? { referralId } : {}) },
    });
    // "Welcome" (message outbox), once, with the conversion.
    for (const channel of ["email", "sms"] as const)
      await enqueueMessage(tx, {
        practiceId: ctx.practiceId,
        memberId: id,
        kind: "welcome",
        channel,
        subjectKey: "welcome",
        title: "Welcome",
        data: { firstName: m.firstName },
      });
    return publicMember(m);
  });
}
