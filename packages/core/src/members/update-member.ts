// Editing a member's details, and the tag and card actions of the profile.

import { members, type Tx } from "@tally/db";
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { conflictFrom, memberFields, normalizedTags } from "./create-member.ts";
import { findMember, normalizeCardNumber, normalizeEmail, normalizePhone, publicMember } from "./shared.ts";

export const updateMemberInput = z.object({
  id: z.uuid(),
  firstName: memberFields.firstName.optional(),
  lastName: memberFields.lastName.optional(),
  email: memberFields.email,
  phone: memberFields.phone,
  birthday: memberFields.birthday,
  externalId: memberFields.externalId,
  cardNumber: memberFields.cardNumber,
});

/** The PMS id or card another record of the practice holds (a merged record keeps the PMS id it
 *  had, pointing at its survivor): CONFLICT naming the field and who has it. */
async function assertFree(tx: Tx, ctx: Ctx, id: string, field: "externalId" | "cardNumber", value: string) {
  const column = field === "externalId" ? members.externalId : members.cardNumber;
  const [holder] = await tx
    .select({ firstName: members.firstName, lastName: members.lastName, status: members.status, mergedIntoId: members.mergedIntoId })
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), eq(column, value), ne(members.id, id)));
  if (!holder) return;
  const what = field === "externalId" ? `PMS id ${value}` : `Card ${value}`;
  const who = `${holder.firstName} ${holder.lastName}`;
  throw new DomainError(
    "CONFLICT",
    holder.status === "merged"
      ? `${what} belongs to ${who}, a record merged into another member: it already leads to that member.`
      : `${what} belongs to another member (${who}). Each member's ${field === "externalId" ? "PMS id" : "card"} is unique in the practice.`,
    { field },
  );
}

export async function updateMember({ ctx, input }: { ctx: Ctx; input: Input<typeof updateMemberInput> }) {
  authorize(ctx, "members.update");
  const { id, ...data } = parseInput(updateMemberInput, input);
  return inTx(ctx, async (tx) => {
    const before = await findMember(tx, ctx, id, { lock: true });
    if (before.status === "merged") throw new DomainError("CONFLICT", "This record was merged into another member: edit that one.");
    const set: Partial<typeof members.$inferInsert> = { ...data, updatedAt: new Date() };
    if (data.email !== undefined) set.email = normalizeEmail(data.email);
    if (data.phone !== undefined) set.phone = normalizePhone(data.phone) || null;
    if (data.cardNumber !== undefined) set.cardNumber = data.cardNumber ? normalizeCardNumber(data.cardNumber) : null;
    if (set.externalId) await assertFree(tx, ctx, id, "externalId", set.externalId);
    if (set.cardNumber) await assertFree(tx, ctx, id, "cardNumber", set.cardNumber);
    const [m] = await tx
      .update(members)
      .set(set)
      .where(and(eq(members.id, id), eq(members.practiceId, ctx.practiceId)))
      .returning()
      .catch(conflictFrom);
    const changed = Object.fromEntries(
      (Object.keys(data) as (keyof typeof data)[])
        .filter((k) => before[k] !== set[k])
        .map((k) => [k, { from: before[k], to: set[k] ?? null }]),
    );
    await audit(tx, ctx, { action: "members.update", targetType: "member", targetId: id, details: changed });
    return publicMember(m!);
  });
}

export const setTagsInput = z.object({
  id: z.uuid(),
  add: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
  remove: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
});

export async function setTags({ ctx, input }: { ctx: Ctx; input: Input<typeof setTagsInput> }) {
  authorize(ctx, "members.setTags");
  const { id, add, remove } = parseInput(setTagsInput, input);
  return inTx(ctx, async (tx) => {
    const m = await findMember(tx, ctx, id, { lock: true });
    const drop = new Set(normalizedTags(remove));
    const tags = normalizedTags([...m.tags, ...add]).filter((t) => !drop.has(t));
    const [row] = await tx.update(members).set({ tags, updatedAt: new Date() }).where(eq(members.id, id)).returning();
    await audit(tx, ctx, { action: "members.setTags", targetType: "member", targetId: id, details: { add, remove, tags } });
    return publicMember(row!);
  });
}

export const connectCardInput = z.object({
  id: z.uuid(),
  /** As typed, or as a swiper / scanner sent it (sentinels are stripped). */
  card: z.string().min(1).max(200),
});

/** Connects a rewards card to a member, replacing any card they had (the old number is freed). */
export async function connectCard({ ctx, input }: { ctx: Ctx; input: Input<typeof connectCardInput> }) {
  authorize(ctx, "members.connectCard");
  const { id, card } = parseInput(connectCardInput, input);
  const cardNumber = normalizeCardNumber(card);
  return inTx(ctx, async (tx) => {
    const before = await findMember(tx, ctx, id, { lock: true });
    const [row] = await tx
      .update(members)
      .set({ cardNumber, updatedAt: new Date() })
      .where(eq(members.id, id))
      .returning()
      .catch(conflictFrom);
    await audit(tx, ctx, {
      action: "members.connectCard",
      targetType: "member",
      targetId: id,
      details: { cardNumber, replaced: before.cardNumber && before.cardNumber !== cardNumber ? before.cardNumber : null },
    });
    return publicMember(row!);
  });
}

export const findByCardInput = z.object({ card: z.string().min(1).max(200) });

/** Looks a member up by card (kiosk and front desk); leads and merged records are not found. */
export async function findMemberByCard({ ctx, input }: { ctx: Ctx; input: Input<typeof findByCardInput> }) {
  authorize(ctx, "members.findByCard");
  const cardNumber = normalizeCardNumber(parseInput(findByCardInput, input).card);
  const [m] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), eq(members.cardNumber, cardNumber), eq(members.status, "member")));
  return m ? publicMember(m) : null;
}
