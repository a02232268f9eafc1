// Getting a patient into the portal: accepting a personal invitation (registers the member and
// signs them in) and self-registration from the public contact form (a lead with limited
// access, signed in). The member/lead verbs of core do the domain work; this adds the session.
import { type Db, invitations, members, practices } from "@tally/db";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { acceptInvitation, recordFirstLogin } from "../members/invitations.ts";
import { registerLead } from "../members/leads.ts";
import { hashPassword } from "../passwords.ts";
import { createSession } from "./sessions.ts";
import { minPasswordLength, type SignInOptions } from "./staff-sign-in.ts";
import { hashToken } from "./tokens.ts";

async function practiceBySlug(db: Db, slug: string) {
  const [p] = await db.select({ id: practices.id }).from(practices).where(eq(practices.slug, slug));
  if (!p) throw new DomainError("NOT_FOUND", "No practice with that address.");
  return p.id;
}

export async function acceptInvitationAndSignIn(
  db: Db,
  input: { practice: string; token: string; password: string },
  options: SignInOptions = {},
) {
  if (input.password.length < minPasswordLength)
    throw new DomainError("INVALID_INPUT", `Choose a password of at least ${minPasswordLength} characters.`);
  const practiceId = await practiceBySlug(db, input.practice);
  // The invitee acts as the member the invitation was made for.
  const [inv] = await db
    .select({ memberId: invitations.memberId })
    .from(invitations)
    .where(and(eq(invitations.practiceId, practiceId), eq(invitations.tokenHash, hashToken(input.token))));
  if (!inv) throw new DomainError("NOT_FOUND", "This invitation link is not valid or was already used.");
  const ctx: Ctx = { db, practiceId, actor: { kind: "member", id: inv.memberId } };
  const accepted = await acceptInvitation({ ctx, input: { token: input.token, password: input.password } });
  const session = await createSession(db, { kind: "member", practiceId, memberId: accepted.memberId }, options);
  // Registering signs the member in: that is their first portal login (`member.first_login`, once).
  const firstLogin = await recordFirstLogin({ ctx, input: { memberId: accepted.memberId } });
  return { ...session, memberId: accepted.memberId, awards: [...accepted.awards, ...firstLogin.awards] };
}

export async function registerLeadAndSignIn(
  db: Db,
  input: {
    practice: string;
    firstName: string;
    lastName: string;
    email: string;
    phone?: string;
    birthday?: string;
    note?: string;
    /** From a friend's referral link: recorded on the lead when valid, ignored otherwise. */
    referralToken?: string;
    password: string;
  },
  options: SignInOptions = {},
) {
  if (input.password.length < minPasswordLength)
    throw new DomainError("INVALID_INPUT", `Choose a password of at least ${minPasswordLength} characters.`);
  const practiceId = await practiceBySlug(db, input.practice);
  const { practice: _p, password, ...lead } = input;
  const ctx: Ctx = { db, practiceId, actor: { kind: "member", id: "self-registration" } };
  const created = await registerLead({ ctx, input: lead });
  await db
    .update(members)
    .set({ passwordHash: await hashPassword(password) })
    .where(eq(members.id, created.id));
  const session = await createSession(db, { kind: "member", practiceId, memberId: created.id }, options);
  return { ...session, memberId: created.id, status: created.status };
}
