// Adding a member (staff, or the import/seed acting as system).
import { memberBalances, members } from "@tally/db";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { calendarDate, text } from "../schemas.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { enqueueWebhooks } from "../webhooks/outbox.ts";
import { normalizeCardNumber, normalizeEmail, normalizePhone, publicMember } from "./shared.ts";

export const memberFields = {
  firstName: text().trim().min(1).max(100),
  lastName: text().trim().min(1).max(100),
  email: z.email().max(320).nullable().optional(),
  phone: text().max(40).nullable().optional(),
  birthday: calendarDate().nullable().optional(),
  cardNumber: text().max(200).nullable().optional(),
  externalId: text().trim().min(1).max(200).nullable().optional(),
  tags: z.array(text().trim().min(1).max(50)).max(50).optional(),
};

export const createMemberInput = z.object(memberFields);

/** Unique violations (card number, external id) become CONFLICT with the field named. */
export function conflictFrom(e: unknown): never {
  const err = e as {
    code?: string;
    constraint_name?: string;
    constraint?: string;
    cause?: { code?: string; constraint_name?: string; constraint?: string };
  };
  const c = err.cause ?? err;
  if (c.code === "23505") {
    const name = c.constraint_name ?? c.constraint ?? "";
    const field = name.includes("card") ? "cardNumber" : name.includes("external") ? "externalId" : "value";
    throw new DomainError(
      "CONFLICT",
      field === "cardNumber" ? "That card number belongs to another member." : "Another member already has this value.",
      { field },
    );
  }
  throw e;
}

export const normalizedTags = (tags: string[] | undefined) => [...new Set((tags ?? []).map((t) => t.toLowerCase()))];

export async function createMember({ ctx, input }: { ctx: Ctx; input: Input<typeof createMemberInput> }) {
  authorize(ctx, "members.create");
  const data = parseInput(createMemberInput, input);
  return inTx(ctx, async (tx) => {
    const [m] = await tx
      .insert(members)
      .values({
        practiceId: ctx.practiceId,
        firstName: data.firstName,
        lastName: data.lastName,
        email: normalizeEmail(data.email) ?? null,
        phone: normalizePhone(data.phone) ?? null,
        birthday: data.birthday ?? null,
        cardNumber: data.cardNumber ? normalizeCardNumber(data.cardNumber) : null,
        externalId: data.externalId ?? null,
        tags: normalizedTags(data.tags),
      })
      .returning()
      .catch(conflictFrom);
    await tx.insert(memberBalances).values({ memberId: m!.id, practiceId: ctx.practiceId, balance: 0 });
    await audit(tx, ctx, {
      action: "members.create",
      targetType: "member",
      targetId: m!.id,
      details: { name: `${m!.firstName} ${m!.lastName}` },
    });
    await enqueueWebhooks(tx, ctx.practiceId, [{ type: "member.created", memberId: m!.id, data: { member: publicMember(m!) } }]);
    return publicMember(m!);
  });
}
