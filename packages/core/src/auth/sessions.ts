// Database sessions for staff and patients: an opaque cookie token, stored hashed, with an idle
// and an absolute timeout. A new session (new token) is created at every sign-in; a disabled
// staff user or merged member is cut off at their next request because every lookup re-reads them.
import { type Db, members, practiceSecurity, practices, sessions, staffSecondFactors, staffUsers } from "@tally/db";
import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { cachePerDatabase } from "../cache.ts";
import type { Actor } from "../context.ts";
import { perDatabase } from "../sql.ts";
import { type AuthPolicy, defaultAuthPolicy, mfaRequiredFor, sessionTouchEveryMs } from "./policy.ts";
import { hashToken, practiceToken, tokenPractice } from "./tokens.ts";

export interface NewSession {
  token: string;
  expiresAt: Date;
}

export async function createSession(
  db: Db,
  who: { kind: "staff"; practiceId: string; staffUserId: string } | { kind: "member"; practiceId: string; memberId: string },
  options: { policy?: AuthPolicy; userAgent?: string | null; replaces?: string | null; now?: Date } = {},
): Promise<NewSession> {
  const now = options.now ?? new Date();
  const limits = (options.policy ?? defaultAuthPolicy)[who.kind];
  // The token names its practice, so each request's lookup is routed by it (tokens.ts).
  const token = practiceToken(who.kind === "staff" ? "s_" : "m_", who.practiceId);
  const expiresAt = new Date(now.getTime() + limits.absoluteMs);
  // Rotation: the session the browser presented before signing in is ended, never upgraded.
  if (options.replaces) await revokeSessionToken(db, options.replaces, now);
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    kind: who.kind,
    practiceId: who.practiceId,
    staffUserId: who.kind === "staff" ? who.staffUserId : null,
    memberId: who.kind === "member" ? who.memberId : null,
    userAgent: options.userAgent?.slice(0, 300) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

export interface StaffPrincipal {
  kind: "staff";
  sessionId: string;
  practiceId: string;
  practiceTimezone: string;
  actor: Extract<Actor, { kind: "staff" }>;
  name: string;
  email: string;
  mustChangePassword: boolean;
  /** The practice requires a second factor of this person and they have none: until they set one
   *  up, the API answers only what enrolment needs (the admin app leads them there). */
  mustEnrol: boolean;
  expiresAt: Date;
}

export interface MemberPrincipal {
  kind: "member";
  sessionId: string;
  practiceId: string;
  practiceTimezone: string;
  actor: Extract<Actor, { kind: "member" }>;
  firstName: string;
  status: "member" | "lead" | "merged";
  expiresAt: Date;
}

// Built once per database: these run on every authenticated request, and their rows are cached
// until the next write (cache.ts), so a signed-in page view usually costs no query at all.
/** Which sessions a lookup reads: by practice and token hash (the token names its practice), or by
 *  the hash alone for a token made before tokens named one. */
const byToken = (routed: boolean) =>
  routed
    ? and(eq(sessions.practiceId, sql.placeholder("practiceId")), eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    : eq(sessions.tokenHash, sql.placeholder("tokenHash"));

const staffSessionSelect = (db: Db, routed: boolean) =>
  db
    .select({
      id: sessions.id,
      kind: sessions.kind,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      practiceId: sessions.practiceId,
      timezone: practices.timezone,
      staffId: staffUsers.id,
      staffPractice: staffUsers.practiceId,
      role: staffUsers.role,
      name: staffUsers.name,
      email: staffUsers.email,
      disabled: staffUsers.disabled,
      mustChangePassword: staffUsers.mustChangePassword,
      mfaRule: practiceSecurity.mfaRequired,
      mfaEnabledAt: staffSecondFactors.enabledAt,
    })
    .from(sessions)
    // Joined on the practice too: in a sharded database the rows meet on the practice's shard.
    .innerJoin(staffUsers, and(eq(staffUsers.practiceId, sessions.practiceId), eq(staffUsers.id, sessions.staffUserId)))
    .innerJoin(practices, eq(practices.id, sessions.practiceId))
    .leftJoin(practiceSecurity, eq(practiceSecurity.practiceId, sessions.practiceId))
    .leftJoin(
      staffSecondFactors,
      and(eq(staffSecondFactors.practiceId, staffUsers.practiceId), eq(staffSecondFactors.staffUserId, staffUsers.id)),
    )
    .where(byToken(routed))
    .prepare(routed ? "staff_session" : "staff_session_legacy");
const staffSessionQuery = perDatabase((db: Db) => staffSessionSelect(db, true));
const legacyStaffSessionQuery = perDatabase((db: Db) => staffSessionSelect(db, false));

const memberSessionSelect = (db: Db, routed: boolean) =>
  db
    .select({
      id: sessions.id,
      kind: sessions.kind,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      practiceId: sessions.practiceId,
      timezone: practices.timezone,
      memberId: members.id,
      memberPractice: members.practiceId,
      firstName: members.firstName,
      status: members.status,
    })
    .from(sessions)
    .innerJoin(members, and(eq(members.practiceId, sessions.practiceId), eq(members.id, sessions.memberId)))
    .innerJoin(practices, eq(practices.id, sessions.practiceId))
    .where(byToken(routed))
    .prepare(routed ? "member_session" : "member_session_legacy");
const memberSessionQuery = perDatabase((db: Db) => memberSessionSelect(db, true));
const legacyMemberSessionQuery = perDatabase((db: Db) => memberSessionSelect(db, false));

/** The first row of a routed or legacy lookup of this token. */
async function lookup<R>(
  token: string,
  routed: { execute(p: Record<string, unknown>): Promise<R[]> },
  legacy: { execute(p: Record<string, unknown>): Promise<R[]> },
) {
  const practice = tokenPractice(token);
  const tokenHash = hashToken(token);
  return (practice ? await routed.execute({ practiceId: practice.practiceId, tokenHash }) : await legacy.execute({ tokenHash }))[0];
}

type Row<Q extends (db: Db) => { execute: (...a: never[]) => Promise<unknown[]> }> = Awaited<ReturnType<ReturnType<Q>["execute"]>>[number];
const staffSessions = cachePerDatabase<string, Row<typeof staffSessionQuery> | undefined>([
  "sessions",
  "staff_users",
  "practices",
  "practice_security",
  "staff_second_factors",
]);
const memberSessions = cachePerDatabase<string, Row<typeof memberSessionQuery> | undefined>(["sessions", "members", "practices"]);

/** The staff user behind a session token, or null when missing, expired, idle, revoked or disabled. */
export async function resolveStaffSession(
  db: Db,
  token: string,
  policy = defaultAuthPolicy,
  now = new Date(),
): Promise<StaffPrincipal | null> {
  const row = await staffSessions(db).get(db, token, () => lookup(token, staffSessionQuery(db), legacyStaffSessionQuery(db)));
  if (row?.kind !== "staff" || row.disabled || row.staffPractice !== row.practiceId) return null;
  if (!(await isLive(db, row, policy.staff.idleMs, now))) return null;
  return {
    kind: "staff",
    sessionId: row.id,
    practiceId: row.practiceId,
    practiceTimezone: row.timezone,
    actor: { kind: "staff", id: row.staffId, role: row.role },
    name: row.name,
    email: row.email,
    mustChangePassword: row.mustChangePassword,
    mustEnrol: !row.mfaEnabledAt && mfaRequiredFor(row.mfaRule ?? "admins", row.role),
    expiresAt: row.expiresAt,
  };
}

/** The member behind a session token, or null (also when the member was merged away). */
export async function resolveMemberSession(
  db: Db,
  token: string,
  policy = defaultAuthPolicy,
  now = new Date(),
): Promise<MemberPrincipal | null> {
  const row = await memberSessions(db).get(db, token, () => lookup(token, memberSessionQuery(db), legacyMemberSessionQuery(db)));
  if (row?.kind !== "member" || row.status === "merged" || row.memberPractice !== row.practiceId) return null;
  if (!(await isLive(db, row, policy.member.idleMs, now))) return null;
  return {
    kind: "member",
    sessionId: row.id,
    practiceId: row.practiceId,
    practiceTimezone: row.timezone,
    actor: { kind: "member", id: row.memberId },
    firstName: row.firstName,
    status: row.status,
    expiresAt: row.expiresAt,
  };
}

async function isLive(
  db: Db,
  row: { id: string; practiceId: string; lastSeenAt: Date; expiresAt: Date; revokedAt: Date | null },
  idleMs: number,
  now: Date,
) {
  if (row.revokedAt || row.expiresAt <= now || row.lastSeenAt.getTime() + idleMs <= now.getTime()) return false;
  if (now.getTime() - row.lastSeenAt.getTime() >= sessionTouchEveryMs(idleMs)) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now })
      .where(and(eq(sessions.practiceId, row.practiceId), eq(sessions.id, row.id)));
  }
  return true;
}

const byPractice = (token: string) => {
  const practice = tokenPractice(token);
  return practice ? eq(sessions.practiceId, practice.practiceId) : undefined;
};

/** Signs one browser out. Unknown tokens are ignored (signing out twice is fine). */
export async function revokeSessionToken(db: Db, token: string, now = new Date()): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(byPractice(token), eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt)));
}

/** Signs a person out everywhere (password change, reset, disable, "log out everywhere"). */
export async function revokeAllSessions(
  db: Db,
  who: { staffUserId: string } | { memberId: string },
  options: { except?: string; now?: Date } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const owner = "staffUserId" in who ? eq(sessions.staffUserId, who.staffUserId) : eq(sessions.memberId, who.memberId);
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(owner, isNull(sessions.revokedAt), options.except ? ne(sessions.id, options.except) : undefined))
    .returning({ id: sessions.id });
  return rows.length;
}
