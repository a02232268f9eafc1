// The audit log for admins: who changed what, newest first, each row also in words (`line`).

import { auditLog, members, rewards, staffUsers } from "@tally/db";
import { and, desc, eq, gte, inArray, isNotNull, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";
import { auditMemberIds, describeAudit } from "./describe-audit.ts";

export const listAuditInput = z.object({
  action: z.string().max(100).optional(),
  targetId: z.string().max(100).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

export async function listAudit({ ctx, input }: { ctx: Ctx; input?: Input<typeof listAuditInput> }) {
  authorize(ctx, "audit.list");
  const q = parseInput(listAuditInput, input ?? {});
  const where: SQL[] = [eq(auditLog.practiceId, ctx.practiceId)];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lt(auditLog.at, q.to));
  const staff = await ctx.db
    .select({ id: staffUsers.id, name: staffUsers.name })
    .from(staffUsers)
    .where(eq(staffUsers.practiceId, ctx.practiceId));
  const names = new Map(staff.map((s) => [s.id, s.name]));
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.at))
    .limit(q.limit)
    .offset(q.offset);
  // The names a line shows instead of ids and codes.
  const memberIds = [...new Set(rows.flatMap((r) => auditMemberIds(r.details, r)))];
  const memberNames = memberIds.length
    ? await ctx.db
        .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
        .from(members)
        .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, memberIds)))
    : [];
  const coupons = await ctx.db
    .select({ code: rewards.couponCode, name: rewards.name })
    .from(rewards)
    .where(and(eq(rewards.practiceId, ctx.practiceId), isNotNull(rewards.couponCode)));
  const lookup = {
    members: new Map(memberNames.map((m) => [m.id, `${m.firstName} ${m.lastName}`])),
    coupons: new Map(coupons.map((c) => [c.code!, c.name])),
  };
  const actorWords = { member: "A patient", kiosk: "The kiosk", system: "Tally (automatic)", integration: "An integration" } as Record<
    string,
    string
  >;
  return rows.map((r) => ({
    ...r,
    actorName: r.actorKind === "staff" ? (names.get(r.actorId) ?? null) : null,
    /** Who, in words, when the actor is not a staff member with a name. */
    actorLabel: r.actorKind === "staff" ? (names.get(r.actorId) ?? "A former staff member") : (actorWords[r.actorKind] ?? "Tally"),
    line: describeAudit(r.action, r.details, lookup, r),
  }));
}
