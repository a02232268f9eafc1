// The access audit: every read of a member's records by staff (profile with visits, points
// history, survey answers) is one row: who, when, what. Admins see and export it per member and
// per staff user; rows older than six years are deleted by a daily job.
import { type Db, memberAccessLog, members, staffUsers } from "@tally/db";
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { toCsv } from "../reports/csv.ts";

export const accessActions = {
  "member.profile.read": "Opened the profile (details and visits)",
  "member.history.read": "Read the points history",
  "member.surveys.read": "Read the survey answers",
} as const;
export type AccessAction = keyof typeof accessActions;

/** How long access rows are kept (HIPAA's six years for documentation). */
export const accessLogRetentionYears = 6;

/**
 * Records one read by the acting staff user (a single insert per request, whatever it returned).
 * Reads by the member themselves, the kiosk, integrations or the system are not staff access.
 */
export async function recordMemberAccess(ctx: Ctx, memberId: string, action: AccessAction): Promise<void> {
  if (ctx.actor.kind !== "staff") return;
  await ctx.db.insert(memberAccessLog).values({ practiceId: ctx.practiceId, staffUserId: ctx.actor.id, memberId, action });
}

export const listMemberAccessInput = z
  .object({
    memberId: z.uuid().optional(),
    staffUserId: z.uuid().optional(),
    limit: z.number().int().min(1).max(50_000).default(200),
  })
  .refine((q) => q.memberId || q.staffUserId, "Name a member or a staff user.");

/** The access rows of one member or of one staff user, newest first, with names. Admins only. */
export async function listMemberAccess(ctx: Ctx, input: z.input<typeof listMemberAccessInput>) {
  requireStaff(ctx, "admin");
  const q = listMemberAccessInput.safeParse(input);
  if (!q.success) throw new DomainError("INVALID_INPUT", "Name a member or a staff user.");
  const { memberId, staffUserId, limit } = q.data;
  const rows = await ctx.db
    .select({
      id: memberAccessLog.id,
      at: memberAccessLog.at,
      action: memberAccessLog.action,
      memberId: memberAccessLog.memberId,
      staffUserId: memberAccessLog.staffUserId,
    })
    .from(memberAccessLog)
    .where(
      and(
        eq(memberAccessLog.practiceId, ctx.practiceId),
        memberId ? eq(memberAccessLog.memberId, memberId) : undefined,
        staffUserId ? eq(memberAccessLog.staffUserId, staffUserId) : undefined,
      ),
    )
    .orderBy(desc(memberAccessLog.at))
    .limit(limit);
  const staffIds = [...new Set(rows.map((r) => r.staffUserId))];
  const memberIds = [...new Set(rows.map((r) => r.memberId))];
  const [staff, people] = await Promise.all([
    staffIds.length
      ? ctx.db
          .select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email })
          .from(staffUsers)
          .where(and(eq(staffUsers.practiceId, ctx.practiceId), inArray(staffUsers.id, staffIds)))
      : [],
    memberIds.length
      ? ctx.db
          .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
          .from(members)
          .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, memberIds)))
      : [],
  ]);
  const staffBy = new Map(staff.map((s) => [s.id, s]));
  const memberBy = new Map(people.map((m) => [m.id, `${m.firstName} ${m.lastName}`.trim()]));
  return rows.map((r) => ({
    ...r,
    what: accessActions[r.action as AccessAction] ?? r.action,
    staffName: staffBy.get(r.staffUserId)?.name ?? "A former staff member",
    staffEmail: staffBy.get(r.staffUserId)?.email ?? null,
    memberName: memberBy.get(r.memberId) ?? null,
  }));
}

/** The same rows as CSV (all of them up to 50,000), for the practice's compliance records. */
export async function exportMemberAccessCsv(ctx: Ctx, input: { memberId?: string; staffUserId?: string }): Promise<string> {
  const rows = await listMemberAccess(ctx, { ...input, limit: 50_000 });
  if (rows.length === 0) return "at,staff_user_id,staff_name,staff_email,member_id,member_name,action,what\n";
  return toCsv(
    rows.map((r) => ({
      at: r.at.toISOString(),
      staff_user_id: r.staffUserId,
      staff_name: r.staffName,
      staff_email: r.staffEmail ?? "",
      member_id: r.memberId,
      member_name: r.memberName ?? "",
      action: r.action,
      what: r.what,
    })),
  );
}

/** Deletes access rows older than six years (the daily job, for every practice at once). */
export async function deleteExpiredMemberAccess(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - accessLogRetentionYears);
  const deleted = await db.delete(memberAccessLog).where(lt(memberAccessLog.at, cutoff)).returning({ id: memberAccessLog.id });
  return deleted.length;
}
