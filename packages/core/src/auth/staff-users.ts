// Staff accounts, managed by a practice's admins: create with a temporary password, reset it,
// change role, disable (cut off at the next request) and list. Every change is audited.
import { staffUsers } from "@tally/db";
import { and, asc, eq, sql } from "drizzle-orm";
import { type Ctx, requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { revokeAllSessions } from "./sessions.ts";
import { temporaryPassword } from "./tokens.ts";

export type StaffRole = "admin" | "team_member";

const publicColumns = {
  id: staffUsers.id,
  email: staffUsers.email,
  name: staffUsers.name,
  role: staffUsers.role,
  disabled: staffUsers.disabled,
  mustChangePassword: staffUsers.mustChangePassword,
  lastLoginAt: staffUsers.lastLoginAt,
  createdAt: staffUsers.createdAt,
};

export async function listStaffUsers(ctx: Ctx) {
  requireStaff(ctx, "admin");
  return ctx.db.select(publicColumns).from(staffUsers).where(eq(staffUsers.practiceId, ctx.practiceId)).orderBy(asc(staffUsers.name));
}

export async function createStaffUser(ctx: Ctx, input: { email: string; name: string; role: StaffRole }) {
  requireStaff(ctx, "admin");
  const email = input.email.trim().toLowerCase();
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(and(eq(staffUsers.practiceId, ctx.practiceId), sql`lower(${staffUsers.email}) = ${email}`));
    if (taken) throw new DomainError("CONFLICT", "A staff user with that email already exists.");
    const [user] = await tx
      .insert(staffUsers)
      .values({ practiceId: ctx.practiceId, email, name: input.name.trim(), role: input.role, passwordHash, mustChangePassword: true })
      .returning(publicColumns);
    if (!user) throw new Error("staff user not created");
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "staff.create",
      targetType: "staff_user",
      targetId: user.id,
      details: { email, role: input.role },
    });
    return { user, temporaryPassword: password };
  });
}

async function loadOwn(ctx: Ctx, staffUserId: string) {
  const [user] = await ctx.db
    .select(publicColumns)
    .from(staffUsers)
    .where(and(eq(staffUsers.id, staffUserId), eq(staffUsers.practiceId, ctx.practiceId)));
  // Another practice's user looks exactly like a missing one.
  if (!user) throw new DomainError("NOT_FOUND", "No such staff user.");
  return user;
}

/** Gives the user a new temporary password (to be changed at next sign-in) and signs them out. */
export async function resetStaffPassword(ctx: Ctx, input: { staffUserId: string }) {
  requireStaff(ctx, "admin");
  await loadOwn(ctx, input.staffUserId);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ passwordHash, mustChangePassword: true, updatedAt: new Date() })
      .where(eq(staffUsers.id, input.staffUserId));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "staff.resetPassword",
      targetType: "staff_user",
      targetId: input.staffUserId,
    });
  });
  await revokeAllSessions(ctx.db, { staffUserId: input.staffUserId });
  return { temporaryPassword: password };
}

export async function setStaffDisabled(ctx: Ctx, input: { staffUserId: string; disabled: boolean }) {
  requireStaff(ctx, "admin");
  if (ctx.actor.kind === "staff" && ctx.actor.id === input.staffUserId)
    throw new DomainError("INVALID_INPUT", "You cannot disable your own account.");
  await loadOwn(ctx, input.staffUserId);
  const user = await ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .update(staffUsers)
      .set({ disabled: input.disabled, updatedAt: new Date() })
      .where(eq(staffUsers.id, input.staffUserId))
      .returning(publicColumns);
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: input.disabled ? "staff.disable" : "staff.enable",
      targetType: "staff_user",
      targetId: input.staffUserId,
    });
    return u!;
  });
  if (input.disabled) await revokeAllSessions(ctx.db, { staffUserId: input.staffUserId });
  return user;
}

export async function setStaffRole(ctx: Ctx, input: { staffUserId: string; role: StaffRole }) {
  requireStaff(ctx, "admin");
  // Keeps at least one admin able to manage the practice.
  if (ctx.actor.kind === "staff" && ctx.actor.id === input.staffUserId && input.role !== "admin") {
    throw new DomainError("INVALID_INPUT", "You cannot remove your own admin role.");
  }
  const before = await loadOwn(ctx, input.staffUserId);
  return ctx.db.transaction(async (tx) => {
    const [u] = await tx
      .update(staffUsers)
      .set({ role: input.role, updatedAt: new Date() })
      .where(eq(staffUsers.id, input.staffUserId))
      .returning(publicColumns);
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "staff.setRole",
      targetType: "staff_user",
      targetId: input.staffUserId,
      details: { from: before.role, to: input.role },
    });
    return u!;
  });
}
