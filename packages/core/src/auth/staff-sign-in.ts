// Staff sign-in (email + password, then a second factor where the person has one) and the
// first-login / own password change.
import { type Db, practices, staffSignInChallenges, staffUsers } from "@tally/db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashPassword, verifyPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { clearFailures, lockedUntil, recordFailure } from "./lockouts.ts";
import { type AuthPolicy, mfaRequiredFor } from "./policy.ts";
import { checkSecondFactorCode, hasSecondFactor, practiceMfaRule } from "./second-factor.ts";
import { createSession, revokeAllSessions } from "./sessions.ts";
import { hashToken, practiceToken, tokenPractice } from "./tokens.ts";

/** How long the second step of a sign-in may take after the password. */
export const signInChallengeMs = 10 * 60_000;

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
  // With a second factor, the password alone opens no session: it earns a short-lived challenge
  // that a code turns into one (completeStaffSignIn).
  if (await hasSecondFactor(db, match.staff.id)) {
    const now = options.now ?? new Date();
    const challenge = practiceToken("c_", match.staff.practiceId);
    const expiresAt = new Date(now.getTime() + signInChallengeMs);
    await db.insert(staffSignInChallenges).values({
      tokenHash: hashToken(challenge),
      practiceId: match.staff.practiceId,
      staffUserId: match.staff.id,
      userAgent: options.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      expiresAt,
    });
    // No session token: callers that read `token` get nothing to sign in with.
    return { secondFactorRequired: true as const, challenge, challengeExpiresAt: expiresAt, token: null };
  }
  return openStaffSession(db, match.staff, match.slug, options, {});
}

type StaffRow = typeof staffUsers.$inferSelect;

async function openStaffSession(db: Db, staff: StaffRow, slug: string, options: SignInOptions, details: Record<string, unknown>) {
  const [session, rule] = await Promise.all([
    createSession(db, { kind: "staff", practiceId: staff.practiceId, staffUserId: staff.id }, options),
    practiceMfaRule(db, staff.practiceId),
  ]);
  await db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ lastLoginAt: options.now ?? new Date() })
      .where(eq(staffUsers.id, staff.id));
    await writeAuthAudit(tx, {
      practiceId: staff.practiceId,
      actor: { kind: "staff", id: staff.id, role: staff.role },
      action: "auth.signIn",
      targetType: "staff_user",
      targetId: staff.id,
      details,
    });
  });
  return {
    ...session,
    secondFactorRequired: false as const,
    mustChangePassword: staff.mustChangePassword,
    /** The practice requires a second factor of this person and they have none yet: the admin app
     *  leads them to set one up before anything else. */
    mustEnrol: mfaRequiredFor(rule, staff.role) && !(await hasSecondFactor(db, staff.id)),
    staff: {
      id: staff.id,
      name: staff.name,
      email: staff.email,
      role: staff.role,
      practiceId: staff.practiceId,
      practice: slug,
    },
  };
}

/** The second step of a sign-in: the challenge from the password step and a TOTP code (or a
 *  recovery code). Wrong codes count towards a lockout of the staff user's second step. */
export async function completeStaffSignIn(db: Db, input: { challenge: string; code: string }, options: SignInOptions & { key: Buffer }) {
  const now = options.now ?? new Date();
  const expired = () => new DomainError("UNAUTHORIZED", "This sign-in has expired. Sign in again with your password.");
  // The challenge names its practice: the lookup is routed by it (tokens.ts).
  const routed = tokenPractice(input.challenge);
  const [row] = await db
    .select({ challenge: staffSignInChallenges, staff: staffUsers, slug: practices.slug })
    .from(staffSignInChallenges)
    .innerJoin(
      staffUsers,
      and(eq(staffUsers.practiceId, staffSignInChallenges.practiceId), eq(staffUsers.id, staffSignInChallenges.staffUserId)),
    )
    .innerJoin(practices, eq(practices.id, staffUsers.practiceId))
    .where(
      and(
        routed ? eq(staffSignInChallenges.practiceId, routed.practiceId) : undefined,
        eq(staffSignInChallenges.tokenHash, hashToken(input.challenge)),
        isNull(staffSignInChallenges.usedAt),
        gt(staffSignInChallenges.expiresAt, now),
      ),
    );
  if (!row) throw expired();
  if (row.staff.disabled) throw new DomainError("FORBIDDEN", "This account is disabled. Ask an admin of your practice.");
  const subject = { scope: "staff_second_factor" as const, subject: row.staff.id, practiceId: row.staff.practiceId };
  const until = await lockedUntil(db, subject, now);
  if (until)
    throw new DomainError("LOCKED", "Too many wrong codes. Try again later or ask an admin to reset your two-step sign-in.", { until });
  const check = await checkSecondFactorCode(db, row.staff.id, input.code, { key: options.key, now });
  if (!check.ok) {
    await recordFailure(db, subject, now);
    throw new DomainError(
      "UNAUTHORIZED",
      check.reason === "replayed"
        ? "That code has been used already. Wait for the next code in your app."
        : "That code is not right. Enter the 6 digits your app shows now, or a recovery code.",
    );
  }
  await clearFailures(db, subject);
  const used = await db
    .update(staffSignInChallenges)
    .set({ usedAt: now })
    .where(and(eq(staffSignInChallenges.id, row.challenge.id), isNull(staffSignInChallenges.usedAt)))
    .returning({ id: staffSignInChallenges.id });
  if (used.length === 0) throw expired();
  return openStaffSession(db, row.staff, row.slug, options, { secondFactor: check.method });
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
