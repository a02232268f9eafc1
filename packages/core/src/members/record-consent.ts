// A member gives consent (media, SMS, email), in the portal or at the desk on their behalf: stored
// with who recorded it, and sent through the pipeline as `consent.given` so automatic rewards can
// fire. The event id is the member's and the kind's (`consent:<member>:<kind>`): the pipeline
// records it once, so a reward for giving consent fires exactly once however often it is recorded.
import { auditLog, consents, staffUsers } from "@tally/db";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { findMember } from "./shared.ts";

/** The consents the desk records; other kinds (the portal's own preferences) keep their names. */
export const consentKinds = ["media", "sms", "email"] as const;

export const recordConsentInput = z.object({
  memberId: z.uuid(),
  kind: z.string().trim().min(1).max(100),
  full: z.boolean().default(true),
  at: z.coerce.date().optional(),
});

export interface ConsentAward {
  member: string;
  rule: string;
  points: number;
  entryId: string | null;
}

export async function recordConsent({ ctx, input }: { ctx: Ctx; input: Input<typeof recordConsentInput> }) {
  authorize(ctx, "members.recordConsent");
  const data = parseInput(recordConsentInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId, { lock: true });
    if (member.status !== "member") throw new DomainError("CONFLICT", "Record consent on a member, not a lead or a merged record.");
    const [current] = await tx
      .select()
      .from(consents)
      .where(and(eq(consents.memberId, data.memberId), eq(consents.kind, data.kind), isNull(consents.revokedAt)))
      .orderBy(desc(consents.givenAt))
      .limit(1);
    // Given already (the same extent): nothing new is recorded and no reward runs again.
    if (current && current.full === data.full) return { consentId: current.id, already: true, awards: [] as ConsentAward[] };
    const at = data.at ?? new Date();
    const [row] = await tx
      .insert(consents)
      .values({ practiceId: ctx.practiceId, memberId: data.memberId, kind: data.kind, full: data.full, givenAt: at })
      .returning();
    const outcome = await processEvent(tx, ctx, {
      id: `consent:${data.memberId}:${data.kind}${data.full ? "" : ":partial"}`,
      type: "consent.given",
      at: at.toISOString(),
      member: data.memberId,
      consent: { kind: data.kind, full: data.full },
    });
    await audit(tx, ctx, {
      action: "members.recordConsent",
      targetType: "member",
      targetId: data.memberId,
      details: { consentId: row!.id, kind: data.kind, full: data.full },
    });
    return {
      consentId: row!.id,
      already: false,
      awards: outcome.awards.map((a): ConsentAward => ({ member: a.member, rule: a.rule, points: a.points, entryId: a.entryId })),
    };
  });
}

export const consentHistoryInput = z.object({ memberId: z.uuid() });

/** Every consent of a member with who recorded it (a staff user's name, or "the patient") and when. */
export async function consentHistory({ ctx, input }: { ctx: Ctx; input: Input<typeof consentHistoryInput> }) {
  authorize(ctx, "members.get");
  const { memberId } = parseInput(consentHistoryInput, input);
  assertSelf(ctx, memberId);
  await findMember(ctx.db, ctx, memberId);
  const rows = await ctx.db
    .select({
      id: consents.id,
      kind: consents.kind,
      full: consents.full,
      givenAt: consents.givenAt,
      revokedAt: consents.revokedAt,
      actorKind: auditLog.actorKind,
      staffName: staffUsers.name,
    })
    .from(consents)
    .leftJoin(
      auditLog,
      and(
        eq(auditLog.practiceId, consents.practiceId),
        eq(auditLog.action, "members.recordConsent"),
        eq(auditLog.targetId, sql`${consents.memberId}::text`),
        sql`${auditLog.details}->>'consentId' = ${consents.id}::text`,
      ),
    )
    .leftJoin(
      staffUsers,
      and(
        eq(staffUsers.practiceId, auditLog.practiceId),
        eq(auditLog.actorKind, "staff"),
        eq(sql`${staffUsers.id}::text`, auditLog.actorId),
      ),
    )
    .where(and(eq(consents.practiceId, ctx.practiceId), eq(consents.memberId, memberId)))
    .orderBy(desc(consents.givenAt));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    full: r.full,
    givenAt: r.givenAt,
    revokedAt: r.revokedAt,
    recordedBy: r.staffName ?? (r.actorKind === "member" ? "the patient (portal)" : r.actorKind ? "the system" : "not recorded"),
  }));
}
