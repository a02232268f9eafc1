// Leads: people who self-registered from the contact form ("I never received a number or code").
// They have limited access (no points, no redemptions) until an admin converts them to a member
// or merges them into the member they already are.

import { memberBalances, members } from "@tally/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { mergeInto } from "./merge-members.ts";
import { searchMembers } from "./search-members.ts";
import { findMember, normalizeEmail, normalizePhone, publicMember } from "./shared.ts";

export const registerLeadInput = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  email: z.email().max(320),
  phone: z.string().max(40).optional(),
  birthday: z.iso.date().optional(),
  note: z.string().max(2000).default(""),
});

export async function registerLead({ ctx, input }: { ctx: Ctx; input: Input<typeof registerLeadInput> }) {
  authorize(ctx, "members.registerLead");
  const data = parseInput(registerLeadInput, input);
  return inTx(ctx, async (tx) => {
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
      })
      .returning();
    await audit(tx, ctx, { action: "members.registerLead", targetType: "member", targetId: lead!.id, details: { email: lead!.email } });
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
    if (lead.status !== "lead") throw new DomainError("CONFLICT", "This record is not a lead.");
    if (mergeIntoId) {
      // A lead never earned anything; merging keeps the survivor and hides the lead.
      await tx.update(members).set({ status: "member" }).where(eq(members.id, id));
      const result = await mergeInto(tx, ctx, id, mergeIntoId);
      await audit(tx, ctx, {
        action: "members.convertLead",
        targetType: "member",
        targetId: mergeIntoId,
        details: { leadId: id, merged: true },
      });
      return result.member;
    }
    const [m] = await tx.update(members).set({ status: "member", updatedAt: new Date() }).where(eq(members.id, id)).returning();
    await tx.insert(memberBalances).values({ memberId: id, practiceId: ctx.practiceId, balance: 0 }).onConflictDoNothing();
    await audit(tx, ctx, { action: "members.convertLead", targetType: "member", targetId: id, details: { merged: false } });
    return publicMember(m!);
  });
}
