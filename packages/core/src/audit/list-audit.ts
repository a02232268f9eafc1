// The audit log for admins: who changed what, newest first.

import { auditLog, staffUsers } from "@tally/db";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";

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
  return rows.map((r) => ({ ...r, actorName: r.actorKind === "staff" ? (names.get(r.actorId) ?? null) : null }));
}
