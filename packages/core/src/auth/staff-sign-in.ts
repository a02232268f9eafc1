// Staff sign-in (email + password) and the first-login / own password change.
import { type Db, practices, staffUsers } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashPassword, verifyPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { clearFailures, lockedUntil, recordFailure } from "./lockouts.ts";
import type { AuthPolicy } from "./policy.ts";
import { createSession, revokeAllSessions } from "./sessions.ts";

let dummyHash: Promise<string> | undefined;
/** Verifying against a throwaway hash when no account matches keeps the timing the same. */
const burnVerify = async (password: string) => {
  dummyHash ??= hashPassword("not-a-real-password");
  await verifyPassword(await dummyHash, password);
};

export const minPasswordLength = 10;

export interface SignInOptions {
  policy?: AuthPolicy;
  userAgent?: string | null;
  /** The session token the browser already had (ended: a new session id at every sign-in). */
  replaces?: string | null;
  now?: Date;
}

export async function signInStaff(db: Db, input: { email: string; password: string; practice?: string }, options: SignInOptions = {}) {
  const email = input.email.trim().toLowerCase();
  const subject = { scope: "staff_login" as const, subject: email };
  const until = await lockedUntil(db, subject, options.now);
  if (until)
    throw new DomainError("LOCKED", "Too many failed sign-ins. Try again later or ask an admin to reset your password.", { until });

  const candidates = await db
    .select({ staff: staffUsers, slug: practices.slug })
    .from(staffUsers)
    .innerJoin(practices, eq(practices.id, staffUsers.practiceId))
    .where(and(sql`lower(${staffUsers.email}) = ${email}`, input.practice ? eq(practices.slug, input.practice) : undefined));

  let match: (typeof candidates)[number] | undefined;
  for (const c of candidates) {
    if (await verifyPassword(c.staff.passwordHash, input.password)) {
      match = c;
      break;
    }
  }
  if (candidates.length === 0) await burnVerify(input.password);
  if (!match) {
    await recordFailure(db, { ...subject, practiceId: candidates[0]?.staff.practiceId }, options.now);
    throw new DomainError("UNAUTHORIZED", "That email and password do not match.");
  }
  if (match.staff.disabled) throw new DomainError("FORBIDDEN", "This account is disabled. Ask an admin of your practice.");

  await clearFailures(db, subject);
  const session = await createSession(db, { kind: "staff", practiceId: match.staff.practiceId, staffUserId: match.staff.id }, options);
  await db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ lastLoginAt: options.now ?? new Date() })
      .where(eq(staffUsers.id, match.staff.id));
    await writeAuthAudit(tx, {
      practiceId: match.staff.practiceId,
      actor: { kind: "staff", id: match.staff.id, role: match.staff.role },
      action: "auth.signIn",
      targetType: "staff_user",
      targetId: match.staff.id,
    });
  });
  return {
    ...session,
    mustChangePassword: match.staff.mustChangePassword,
    staff: {
      id: match.staff.id,
      name: match.staff.name,
      email: match.staff.email,
      role: match.staff.role,
      practiceId: match.staff.practiceId,
      practice: match.slug,
    },
  };
}

/** Sets the signed-in staff user's own password (required at first login after a temporary one).
 *  Every other session of the user is ended. */
export async function changeOwnPassword(ctx: Ctx, input: { currentPassword: string; newPassword: string; sessionId?: string }) {
  if (ctx.actor.kind !== "staff") throw new DomainError("FORBIDDEN", "Only staff can do this.");
  const staffId = ctx.actor.id;
  if (input.newPassword.length < minPasswordLength) {
    throw new DomainError("INVALID_INPUT", `Choose a password of at least ${minPasswordLength} characters.`);
  }
  if (input.newPassword === input.currentPassword)
    throw new DomainError("INVALID_INPUT", "Choose a password different from the current one.");
  const [user] = await ctx.db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.id, staffId), eq(staffUsers.practiceId, ctx.practiceId)));
  if (!user) throw new DomainError("NOT_FOUND", "No such staff user.");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw new DomainError("UNAUTHORIZED", "The current password is not right.");
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ passwordHash, mustChangePassword: false, updatedAt: new Date() }).where(eq(staffUsers.id, staffId));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "auth.changePassword",
      targetType: "staff_user",
      targetId: staffId,
    });
  });
  await revokeAllSessions(ctx.db, { staffUserId: staffId }, { except: input.sessionId });
  return { ok: true as const };
}
