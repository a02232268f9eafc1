// Patient sign-in to the portal: email + password, or rewards card number + date of birth.
// Wrong card, wrong birth date and unknown email all get the same answer.
import { type Db, members, practices } from "@tally/db";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { recordFirstLogin } from "../members/invitations.ts";
import { hashPassword, verifyPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { clearFailures, lockedUntil, recordFailure } from "./lockouts.ts";
import { createSession, revokeAllSessions } from "./sessions.ts";
import { minPasswordLength, type SignInOptions } from "./staff-sign-in.ts";

export type MemberSignInInput =
  | { practice?: string; email: string; password: string }
  | { practice?: string; cardNumber: string; birthday: string };

const noMatch = () => new DomainError("UNAUTHORIZED", "We could not sign you in with those details.");

export async function signInMember(db: Db, input: MemberSignInInput, options: SignInOptions = {}) {
  const byEmail = "email" in input;
  const key = byEmail ? `email:${input.email.trim().toLowerCase()}` : `card:${input.cardNumber.trim()}`;
  const subject = { scope: "member_login" as const, subject: `${input.practice ?? "*"}:${key}` };
  const until = await lockedUntil(db, subject, options.now);
  if (until) throw new DomainError("LOCKED", "Too many attempts. Please try again later or contact your practice.", { until });

  const candidates = await db
    .select({ member: members, slug: practices.slug })
    .from(members)
    .innerJoin(practices, eq(practices.id, members.practiceId))
    .where(
      and(
        ne(members.status, "merged"),
        input.practice ? eq(practices.slug, input.practice) : undefined,
        byEmail ? sql`lower(${members.email}) = ${input.email.trim().toLowerCase()}` : eq(members.cardNumber, input.cardNumber.trim()),
      ),
    )
    .limit(10);

  let match: (typeof candidates)[number] | undefined;
  if (byEmail) {
    for (const c of candidates) {
      if (c.member.passwordHash && (await verifyPassword(c.member.passwordHash, input.password))) {
        match = c;
        break;
      }
    }
  } else {
    const matches = candidates.filter((c) => c.member.birthday === input.birthday);
    // The same card in two practices with the same birthday: the portal must say which practice.
    if (matches.length === 1) match = matches[0];
  }
  if (!match) {
    await recordFailure(db, { ...subject, practiceId: candidates[0]?.member.practiceId }, options.now);
    throw noMatch();
  }
  await clearFailures(db, subject);
  const m = match.member;
  const session = await createSession(db, { kind: "member", practiceId: m.practiceId, memberId: m.id }, options);
  const firstLogin = m.firstLoginAt === null;
  // The first sign-in sends `member.first_login` once, and a member who never registered (signing in
  // with their card) registers now: `member.registered` once (the core verb guards against repeats).
  if ((firstLogin || !m.registered) && m.status === "member") {
    await recordFirstLogin({ ctx: { db, practiceId: m.practiceId, actor: { kind: "member", id: m.id } }, input: { memberId: m.id } });
  }
  await db.transaction(async (tx) => {
    await writeAuthAudit(tx, {
      practiceId: m.practiceId,
      actor: { kind: "member", id: m.id },
      action: "auth.memberSignIn",
      targetType: "member",
      targetId: m.id,
      details: { method: byEmail ? "email" : "card" },
    });
  });
  return {
    ...session,
    firstLogin,
    member: { id: m.id, firstName: m.firstName, practiceId: m.practiceId, practice: match.slug, status: m.status },
  };
}

/** A signed-in patient sets (or changes) their portal password; other sessions end. */
export async function setMemberPassword(ctx: Ctx, input: { currentPassword?: string; newPassword: string; sessionId?: string }) {
  if (ctx.actor.kind !== "member") throw new DomainError("FORBIDDEN", "Only a signed-in patient can do this.");
  if (input.newPassword.length < minPasswordLength)
    throw new DomainError("INVALID_INPUT", `Choose a password of at least ${minPasswordLength} characters.`);
  const memberId = ctx.actor.id;
  const [m] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId)));
  if (!m) throw new DomainError("NOT_FOUND", "No such member.");
  // Someone who signed in with card + birth date may set a first password without a current one.
  if (m.passwordHash && !(input.currentPassword && (await verifyPassword(m.passwordHash, input.currentPassword)))) {
    throw new DomainError("UNAUTHORIZED", "The current password is not right.");
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.db.transaction(async (tx) => {
    await tx.update(members).set({ passwordHash, updatedAt: new Date() }).where(eq(members.id, memberId));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "auth.setMemberPassword",
      targetType: "member",
      targetId: memberId,
    });
  });
  await revokeAllSessions(ctx.db, { memberId }, { except: input.sessionId });
  return { ok: true as const };
}
