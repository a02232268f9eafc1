// Personal registration invitations: a single-use token that expires. Only its SHA-256 hash is
// stored; the token itself is returned once, for the email link.
import { randomBytes } from "node:crypto";
import { invitations, members } from "@tally/db";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { hashToken } from "../auth/tokens.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { hashPassword } from "../passwords.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { markRegistered } from "./registration.ts";
import { findMember } from "./shared.ts";

export const createInvitationInput = z.object({
  memberId: z.uuid(),
  /** Defaults to the member's email. */
  email: z.email().optional(),
  ttlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24 * 7),
});

export async function createInvitation({ ctx, input }: { ctx: Ctx; input: Input<typeof createInvitationInput> }) {
  authorize(ctx, "members.createInvitation");
  const data = parseInput(createInvitationInput, input);
  return inTx(ctx, async (tx) => {
    const m = await findMember(tx, ctx, data.memberId);
    if (m.status !== "member") throw new DomainError("CONFLICT", "Only members can be invited.");
    if (m.registered) throw new DomainError("CONFLICT", "This member has already registered.");
    const email = data.email ?? m.email;
    if (!email) throw new DomainError("INVALID_INPUT", "This member has no email address.");
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Date.now() + data.ttlHours * 3_600_000);
    const [row] = await tx
      .insert(invitations)
      .values({
        practiceId: ctx.practiceId,
        memberId: m.id,
        email,
        tokenHash: hashToken(token),
        expiresAt,
        createdBy: ctx.actor.kind === "staff" ? ctx.actor.id : null,
      })
      .returning({ id: invitations.id });
    await audit(tx, ctx, {
      action: "members.createInvitation",
      targetType: "member",
      targetId: m.id,
      details: { email, expiresAt: expiresAt.toISOString() },
    });
    return { invitationId: row!.id, token, email, expiresAt, memberName: `${m.firstName} ${m.lastName}` };
  });
}

export const acceptInvitationInput = z.object({
  token: z.string().min(20).max(200),
  password: z.string().min(8).max(200),
});

/** Registers the invited member (they choose a password) and records `member.registered`. */
export async function acceptInvitation({ ctx, input }: { ctx: Ctx; input: Input<typeof acceptInvitationInput> }) {
  authorize(ctx, "members.acceptInvitation");
  const data = parseInput(acceptInvitationInput, input);
  return inTx(ctx, async (tx) => {
    const now = new Date();
    const [inv] = await tx
      .update(invitations)
      .set({ acceptedAt: now })
      .where(
        and(eq(invitations.tokenHash, hashToken(data.token)), eq(invitations.practiceId, ctx.practiceId), isNull(invitations.acceptedAt)),
      )
      .returning();
    if (!inv) throw new DomainError("NOT_FOUND", "This invitation link is not valid or was already used.");
    if (inv.expiresAt <= now) throw new DomainError("CONFLICT", "This invitation has expired; ask the practice for a new one.");
    await tx
      .update(members)
      .set({ passwordHash: await hashPassword(data.password), email: inv.email, updatedAt: now })
      .where(eq(members.id, inv.memberId));
    const { outcome } = await markRegistered(tx, ctx, inv.memberId, now);
    await audit(tx, ctx, {
      action: "members.acceptInvitation",
      targetType: "member",
      targetId: inv.memberId,
      details: { invitationId: inv.id },
    });
    return { memberId: inv.memberId, awards: outcome.awards };
  });
}

export const recordFirstLoginInput = z.object({ memberId: z.uuid() });

/**
 * Called on a member's sign-in: a member who was never registered (a patient signing in with their
 * card for the first time) becomes registered (`member.registered`, once), and the first sign-in
 * sends `member.first_login` once.
 */
export async function recordFirstLogin({ ctx, input }: { ctx: Ctx; input: Input<typeof recordFirstLoginInput> }) {
  authorize(ctx, "members.recordFirstLogin");
  const { memberId } = parseInput(recordFirstLoginInput, input);
  return inTx(ctx, async (tx) => {
    const now = new Date();
    const registration = await markRegistered(tx, ctx, memberId, now);
    const [m] = await tx
      .update(members)
      .set({ firstLoginAt: now })
      .where(and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId), isNull(members.firstLoginAt)))
      .returning({ id: members.id });
    if (!m) {
      await findMember(tx, ctx, memberId);
      if (registration.registered) {
        await audit(tx, ctx, {
          action: "members.recordFirstLogin",
          targetType: "member",
          targetId: memberId,
          details: { registered: true },
        });
      }
      return { first: false, registered: registration.registered, awards: registration.outcome.awards };
    }
    const outcome = await processEvent(tx, ctx, {
      id: `first_login:${memberId}`,
      type: "member.first_login",
      at: now.toISOString(),
      member: memberId,
    });
    await audit(tx, ctx, {
      action: "members.recordFirstLogin",
      targetType: "member",
      targetId: memberId,
      ...(registration.registered ? { details: { registered: true } } : {}),
    });
    return { first: true, registered: registration.registered, awards: [...registration.outcome.awards, ...outcome.awards] };
  });
}
