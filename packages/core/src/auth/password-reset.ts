// Patients who forgot their password: a reset link by email. The token is stateless (HMAC over
// the member, an expiry and the current password hash), so it stops working once used: setting
// the new password changes the hash it was signed over.
import { createHmac, timingSafeEqual } from "node:crypto";
import { type Db, members, practices } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { DomainError } from "../errors.ts";
import { hashPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { revokeAllSessions } from "./sessions.ts";
import { minPasswordLength } from "./staff-sign-in.ts";

const resetTtlMs = 60 * 60 * 1000;

function sign(secret: string, memberId: string, expires: number, passwordHash: string) {
  return createHmac("sha256", secret).update(`reset|${memberId}|${expires}|${passwordHash}`).digest("base64url");
}

/** `<practice id>.<member id>.<expires>.<signature>`: the practice routes the lookup (the link is
 *  opened before anything else names it); the signature covers the member. */
export function passwordResetToken(secret: string, practiceId: string, memberId: string, passwordHash: string, now = Date.now()) {
  const expires = now + resetTtlMs;
  return `${practiceId}.${memberId}.${expires}.${sign(secret, memberId, expires, passwordHash)}`;
}

const invalid = () => new DomainError("INVALID_INPUT", "This reset link is not valid any more. Ask for a new one.");

/** For a registered member with that email at that practice: a one-hour reset token; else null. */
export async function requestPasswordReset(db: Db, input: { practice: string; email: string }, secret: string) {
  const [row] = await db
    .select({
      id: members.id,
      firstName: members.firstName,
      email: members.email,
      passwordHash: members.passwordHash,
      practiceId: members.practiceId,
      practiceName: practices.name,
    })
    .from(members)
    .innerJoin(practices, eq(practices.id, members.practiceId))
    .where(
      and(
        eq(practices.slug, input.practice),
        sql`lower(${members.email}) = ${input.email.trim().toLowerCase()}`,
        sql`${members.status} <> 'merged'`,
      ),
    )
    .limit(1);
  // Only accounts with a password can reset one; the answer to the person is the same either way.
  if (!row?.passwordHash || !row.email) return null;
  return {
    memberId: row.id,
    practiceId: row.practiceId,
    practiceName: row.practiceName,
    firstName: row.firstName,
    email: row.email,
    token: passwordResetToken(secret, row.practiceId, row.id, row.passwordHash),
  };
}

/** Sets the new password from a valid token and ends the member's other sessions. */
export async function resetPassword(db: Db, input: { token: string; password: string }, secret: string, now = Date.now()) {
  if (input.password.length < minPasswordLength)
    throw new DomainError("INVALID_INPUT", `Choose a password of at least ${minPasswordLength} characters.`);
  // Links sent before they named the practice have three parts.
  const parts = input.token.split(".");
  const [practiceId, memberId, expiresText, signature] = parts.length === 3 ? [undefined, ...parts] : parts;
  const expires = Number(expiresText);
  const isId = (v: string | undefined) => !!v && /^[0-9a-f-]{36}$/.test(v);
  if (!isId(memberId) || !signature || !Number.isSafeInteger(expires) || expires < now || (practiceId !== undefined && !isId(practiceId)))
    throw invalid();
  const [m] = await db
    .select({ id: members.id, passwordHash: members.passwordHash, practiceId: members.practiceId })
    .from(members)
    .where(and(practiceId ? eq(members.practiceId, practiceId) : undefined, eq(members.id, memberId!)));
  if (!m?.passwordHash) throw invalid();
  const expected = Buffer.from(sign(secret, m.id, expires, m.passwordHash));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  await db
    .update(members)
    .set({ passwordHash: await hashPassword(input.password), updatedAt: new Date(now) })
    .where(and(eq(members.practiceId, m.practiceId), eq(members.id, m.id)));
  await revokeAllSessions(db, { memberId: m.id });
  await db.transaction((tx) =>
    writeAuthAudit(tx, {
      practiceId: m.practiceId,
      actor: { kind: "member", id: m.id },
      action: "auth.member.resetPassword",
      targetId: m.id,
    }),
  );
  return { memberId: m.id };
}
