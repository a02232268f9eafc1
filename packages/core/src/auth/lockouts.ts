// Persistent failed-attempt counters with lockout (per staff email, member login, card, kiosk).
// In-memory rate limits in the API slow a single process down; these hold across restarts and
// processes, and are what the "locked, see the front desk" answers come from.
import { authLockouts, type Db } from "@tally/db";
import { and, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import { type LockoutScope, lockoutRules } from "./policy.ts";

export interface Subject {
  scope: LockoutScope;
  subject: string;
  practiceId?: string | null;
}

/** The end of the current lockout, or null when attempts are allowed. */
export async function lockedUntil(db: Db, { scope, subject }: Subject, now = new Date()): Promise<Date | null> {
  const [row] = await db
    .select({ lockedUntil: authLockouts.lockedUntil })
    .from(authLockouts)
    .where(and(eq(authLockouts.scope, scope), eq(authLockouts.subject, subject), gt(authLockouts.lockedUntil, now)));
  return row?.lockedUntil ?? null;
}

/** Lock state of several subjects in one query: whether any is locked, and which have failures. */
export async function lockStates(db: Db, subjects: Subject[], now = new Date()): Promise<{ locked: boolean; withFailures: Subject[] }> {
  const rows = await db
    .select({
      scope: authLockouts.scope,
      subject: authLockouts.subject,
      failures: authLockouts.failures,
      lockedUntil: authLockouts.lockedUntil,
    })
    .from(authLockouts)
    .where(or(...subjects.map((s) => and(eq(authLockouts.scope, s.scope), eq(authLockouts.subject, s.subject)))));
  const locked = rows.some((r) => r.lockedUntil && r.lockedUntil > now);
  const withFailures = subjects.filter((s) => rows.some((r) => r.scope === s.scope && r.subject === s.subject && r.failures > 0));
  return { locked, withFailures };
}

/** Counts one failure; returns whether this failure started a lockout (to alert staff once). */
export async function recordFailure(db: Db, { scope, subject, practiceId }: Subject, now = new Date()): Promise<{ justLocked: boolean }> {
  const rule = lockoutRules[scope];
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const stale = sql`${authLockouts.windowStartedAt} < ${windowStart.toISOString()}::timestamptz`;
  // One atomic upsert, so concurrent failures are all counted.
  const [row] = await db
    .insert(authLockouts)
    .values({ practiceId: practiceId ?? null, scope, subject, failures: 1, windowStartedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [authLockouts.scope, authLockouts.subject],
      set: {
        failures: sql`case when ${stale} then 1 else least(${authLockouts.failures} + 1, ${rule.maxFailures + 1}) end`,
        windowStartedAt: sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${authLockouts.windowStartedAt} end`,
        updatedAt: now,
      },
    })
    .returning({ id: authLockouts.id, failures: authLockouts.failures });
  if (!row || row.failures < rule.maxFailures) return { justLocked: false };
  // Only the request whose update moves failures from max to zero reports the new lockout.
  const locked = await db
    .update(authLockouts)
    .set({ lockedUntil: new Date(now.getTime() + rule.lockMs), failures: 0, windowStartedAt: now, updatedAt: now })
    .where(and(eq(authLockouts.id, row.id), sql`${authLockouts.failures} >= ${rule.maxFailures}`))
    .returning({ id: authLockouts.id });
  return { justLocked: locked.length > 0 };
}

/** One attempt taken on a subject before its guess is evaluated. */
export interface Attempt {
  subject: Subject;
  /** Whether the guess may be evaluated: not locked, and within the limit of attempts. */
  allowed: boolean;
  /** This attempt's number in the current window (1 for the first). */
  count: number;
}

/**
 * Counts an attempt on a subject BEFORE its guess is evaluated, in one atomic upsert: of any
 * number of concurrent attempts, only the first `maxFailures` of a window get a number within the
 * limit, so no more than that many guesses are ever evaluated. Attempts on a locked subject are
 * refused and not counted. Settle each allowed attempt with `attemptFailed` or `attemptSucceeded`.
 */
export async function takeAttempt(db: Db, s: Subject, now = new Date()): Promise<Attempt> {
  const rule = lockoutRules[s.scope];
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - rule.windowMs).toISOString();
  const locked = sql`${authLockouts.lockedUntil} > ${nowIso}::timestamptz`;
  const stale = sql`${authLockouts.windowStartedAt} < ${windowStart}::timestamptz`;
  const [row] = await db
    .insert(authLockouts)
    .values({ practiceId: s.practiceId ?? null, scope: s.scope, subject: s.subject, failures: 1, windowStartedAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [authLockouts.scope, authLockouts.subject],
      set: {
        failures: sql`case when ${locked} then ${authLockouts.failures} when ${stale} then 1 else least(${authLockouts.failures} + 1, ${rule.maxFailures + 1}) end`,
        windowStartedAt: sql`case when ${locked} or not ${stale} then ${authLockouts.windowStartedAt} else ${nowIso}::timestamptz end`,
        updatedAt: now,
      },
    })
    .returning({ failures: authLockouts.failures, lockedUntil: authLockouts.lockedUntil });
  const isLocked = !!row?.lockedUntil && row.lockedUntil > now;
  const count = row?.failures ?? 1;
  return { subject: s, allowed: !isLocked && count <= rule.maxFailures, count };
}

/** The guess was wrong: the attempt stays counted, and the last allowed one starts the lockout.
 * Returns whether this failure started it (to alert staff once). */
export async function attemptFailed(db: Db, attempt: Attempt, now = new Date()): Promise<{ justLocked: boolean }> {
  const rule = lockoutRules[attempt.subject.scope];
  if (attempt.count < rule.maxFailures) return { justLocked: false };
  const locked = await db
    .update(authLockouts)
    .set({ lockedUntil: new Date(now.getTime() + rule.lockMs), failures: 0, windowStartedAt: now, updatedAt: now })
    .where(
      and(
        eq(authLockouts.scope, attempt.subject.scope),
        eq(authLockouts.subject, attempt.subject.subject),
        or(isNull(authLockouts.lockedUntil), lte(authLockouts.lockedUntil, now)),
      ),
    )
    .returning({ id: authLockouts.id });
  return { justLocked: locked.length > 0 };
}

/** The attempt was not a wrong guess (refused elsewhere, or right): it no longer counts. */
export async function refundAttempt(db: Db, attempt: Attempt): Promise<void> {
  await db
    .update(authLockouts)
    .set({ failures: sql`${authLockouts.failures} - 1` })
    .where(
      and(eq(authLockouts.scope, attempt.subject.scope), eq(authLockouts.subject, attempt.subject.subject), gt(authLockouts.failures, 0)),
    );
}

/** A success forgets earlier failures (but never lifts an active lockout early). */
export async function clearFailures(db: Db, { scope, subject }: Subject): Promise<void> {
  await db
    .update(authLockouts)
    .set({ failures: 0 })
    .where(and(eq(authLockouts.scope, scope), eq(authLockouts.subject, subject), gt(authLockouts.failures, 0)));
}

/** Lifts a lockout (an admin at the desk has checked the person). */
export async function unlock(db: Db, { scope, subject }: Subject): Promise<void> {
  await db
    .update(authLockouts)
    .set({ failures: 0, lockedUntil: null })
    .where(and(eq(authLockouts.scope, scope), eq(authLockouts.subject, subject)));
}
