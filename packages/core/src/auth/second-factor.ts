// Staff second factor: TOTP (RFC 6238: 6 digits, 30-second steps, one step either way accepted)
// with ten single-use recovery codes. The secret is stored encrypted with a key derived from the
// server's secret; recovery codes only as argon2id hashes. A code's time step is remembered, so the
// same code (or an older one) never works twice. Who must use it is a practice setting: admins
// always, or everyone. Enrolling, new recovery codes, turning it off or an admin's reset end the
// person's other sessions.
import { createHash, randomInt } from "node:crypto";
import { type Db, practiceSecurity, staffSecondFactors, staffUsers } from "@tally/db";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { type Ctx, requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { decryptSecret, encryptSecret } from "../messages/secrets.ts";
import { hashPassword, verifyPassword } from "../passwords.ts";
import { writeAuthAudit } from "./audit.ts";
import { type MfaRequirement, mfaRequiredFor } from "./policy.ts";
import { revokeAllSessions } from "./sessions.ts";

export const totpDigits = 6;
export const totpPeriod = 30;
export const recoveryCodeCount = 10;

/** The key TOTP secrets are encrypted with, derived from the server's secret (SESSION_SECRET). */
export const secondFactorKey = (serverSecret: string) => createHash("sha256").update(`tally-totp:${serverSecret}`).digest();

const totpOf = (secret: string, label = "", issuer = "Tally") =>
  new TOTP({ issuer, label, algorithm: "SHA1", digits: totpDigits, period: totpPeriod, secret: Secret.fromBase32(secret) });

/** The time step a code of `secret` was made for, within one step of `now`; null when it is not one. */
export function totpStep(secret: string, code: string, now = new Date()): number | null {
  const totp = totpOf(secret);
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : totp.counter({ timestamp: now.getTime() }) + delta;
}

// Recovery codes: ten characters a person can copy without confusion (no 0/O/1/l/I), shown as xxxxx-xxxxx.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
const newRecoveryCode = () => {
  const raw = Array.from({ length: 10 }, () => recoveryAlphabet[randomInt(recoveryAlphabet.length)]).join("");
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
};
const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

async function newRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
  const hashes = await Promise.all(codes.map((c) => hashPassword(normaliseRecoveryCode(c))));
  return { codes, hashes };
}

/** The practice's rule (no row: admins). */
export async function practiceMfaRule(db: Db, practiceId: string): Promise<MfaRequirement> {
  const [row] = await db
    .select({ rule: practiceSecurity.mfaRequired })
    .from(practiceSecurity)
    .where(eq(practiceSecurity.practiceId, practiceId));
  return row?.rule ?? "admins";
}

/** Sets who must use a second factor: admins (the minimum) or everyone. Admins only. */
export async function setPracticeMfaRule(ctx: Ctx, input: { mfaRequired: "admins" | "everyone" }) {
  requireStaff(ctx, "admin");
  if (input.mfaRequired !== "admins" && input.mfaRequired !== "everyone")
    throw new DomainError("INVALID_INPUT", "Choose admins or everyone.");
  const before = await practiceMfaRule(ctx.db, ctx.practiceId);
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(practiceSecurity)
      .values({ practiceId: ctx.practiceId, mfaRequired: input.mfaRequired })
      .onConflictDoUpdate({ target: practiceSecurity.practiceId, set: { mfaRequired: input.mfaRequired, updatedAt: new Date() } });
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "practices.setMfaRequired",
      targetType: "practice",
      targetId: ctx.practiceId,
      details: { from: before, to: input.mfaRequired },
    });
  });
  return { mfaRequired: input.mfaRequired };
}

async function factorOf(db: Db, staffUserId: string) {
  const [row] = await db.select().from(staffSecondFactors).where(eq(staffSecondFactors.staffUserId, staffUserId));
  return row;
}

/** Whether the staff user has a confirmed second factor. */
export async function hasSecondFactor(db: Db, staffUserId: string): Promise<boolean> {
  return Boolean((await factorOf(db, staffUserId))?.enabledAt);
}

async function ownUser(ctx: Ctx) {
  if (ctx.actor.kind !== "staff") throw new DomainError("FORBIDDEN", "Only staff can do this.");
  const [user] = await ctx.db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.id, ctx.actor.id), eq(staffUsers.practiceId, ctx.practiceId)));
  if (!user) throw new DomainError("NOT_FOUND", "No such staff user.");
  return user;
}

/** The signed-in staff user's second factor: on or off, required or not, recovery codes left. */
export async function secondFactorStatus(ctx: Ctx) {
  const user = await ownUser(ctx);
  const [factor, rule] = await Promise.all([factorOf(ctx.db, user.id), practiceMfaRule(ctx.db, ctx.practiceId)]);
  return {
    enabled: Boolean(factor?.enabledAt),
    enabledAt: factor?.enabledAt ?? null,
    recoveryCodesLeft: factor?.enabledAt ? factor.recoveryCodes.length : 0,
    required: mfaRequiredFor(rule, user.role),
    practiceRule: rule,
  };
}

/** Starts enrolment: a new secret (not in use until a code from it is confirmed; the same one
 *  for ten minutes) and its
 *  otpauth:// URI for an authenticator app. Refused while a second factor is on (turn it off or
 *  have an admin reset it first). */
export async function startSecondFactorEnrolment(ctx: Ctx, options: { key: Buffer; issuer: string }) {
  const user = await ownUser(ctx);
  const factor = await factorOf(ctx.db, user.id);
  if (factor?.enabledAt) throw new DomainError("CONFLICT", "Two-step sign-in is already on. Turn it off first to set up a new device.");
  // A setup started in the last ten minutes goes on with the same secret (the page reloaded after
  // a mistyped code must not change the QR code the person has just scanned).
  const recent = factor?.pendingSecret && Date.now() - factor.updatedAt.getTime() < 10 * 60_000;
  if (recent && factor.pendingSecret) {
    const secret = decryptSecret<string>(factor.pendingSecret, options.key);
    return { secret, uri: totpOf(secret, user.email, options.issuer).toString() };
  }
  const secret = new Secret({ size: 20 }).base32;
  const pendingSecret = encryptSecret(secret, options.key);
  await ctx.db
    .insert(staffSecondFactors)
    .values({ staffUserId: user.id, practiceId: ctx.practiceId, pendingSecret })
    .onConflictDoUpdate({
      target: [staffSecondFactors.practiceId, staffSecondFactors.staffUserId],
      set: { pendingSecret, updatedAt: new Date() },
    });
  return { secret, uri: totpOf(secret, user.email, options.issuer).toString() };
}

/** Confirms enrolment with a code from the new secret: the second factor is on, ten recovery
 *  codes are made (shown this once), and every other session of the user ends. */
export async function confirmSecondFactorEnrolment(
  ctx: Ctx,
  input: { code: string; sessionId?: string },
  options: { key: Buffer; now?: Date },
): Promise<{ recoveryCodes: string[] }> {
  const user = await ownUser(ctx);
  const factor = await factorOf(ctx.db, user.id);
  if (factor?.enabledAt) throw new DomainError("CONFLICT", "Two-step sign-in is already on.");
  if (!factor?.pendingSecret) throw new DomainError("CONFLICT", "Start the setup again: there is no new secret to confirm.");
  const secret = decryptSecret<string>(factor.pendingSecret, options.key);
  const step = totpStep(secret, input.code.replace(/\s/g, ""), options.now);
  if (step === null) throw new DomainError("INVALID_INPUT", "That code is not right. Enter the 6 digits your app shows now.");
  const { codes, hashes } = await newRecoveryCodes();
  const now = options.now ?? new Date();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(staffSecondFactors)
      .set({ secret: factor.pendingSecret, pendingSecret: null, enabledAt: now, lastStep: step, recoveryCodes: hashes, updatedAt: now })
      .where(eq(staffSecondFactors.staffUserId, user.id));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "auth.enrolSecondFactor",
      targetType: "staff_user",
      targetId: user.id,
    });
  });
  await revokeAllSessions(ctx.db, { staffUserId: user.id }, { except: input.sessionId, now });
  return { recoveryCodes: codes };
}

/** Ten new recovery codes (the old ones stop working); every other session ends. */
export async function regenerateRecoveryCodes(ctx: Ctx, input: { sessionId?: string }): Promise<{ recoveryCodes: string[] }> {
  const user = await ownUser(ctx);
  const factor = await factorOf(ctx.db, user.id);
  if (!factor?.enabledAt) throw new DomainError("CONFLICT", "Two-step sign-in is not on.");
  const { codes, hashes } = await newRecoveryCodes();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(staffSecondFactors)
      .set({ recoveryCodes: hashes, updatedAt: new Date() })
      .where(eq(staffSecondFactors.staffUserId, user.id));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "auth.regenerateRecoveryCodes",
      targetType: "staff_user",
      targetId: user.id,
    });
  });
  await revokeAllSessions(ctx.db, { staffUserId: user.id }, { except: input.sessionId });
  return { recoveryCodes: codes };
}

/** Turns the user's own second factor off (with their password), where the practice does not
 *  require it of them; every other session ends. */
export async function disableOwnSecondFactor(ctx: Ctx, input: { password: string; sessionId?: string }) {
  const user = await ownUser(ctx);
  const rule = await practiceMfaRule(ctx.db, ctx.practiceId);
  if (mfaRequiredFor(rule, user.role)) throw new DomainError("FORBIDDEN", "Your practice requires two-step sign-in for you.");
  if (!(await verifyPassword(user.passwordHash, input.password))) throw new DomainError("UNAUTHORIZED", "The password is not right.");
  await ctx.db.transaction(async (tx) => {
    await tx.delete(staffSecondFactors).where(eq(staffSecondFactors.staffUserId, user.id));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "auth.disableSecondFactor",
      targetType: "staff_user",
      targetId: user.id,
    });
  });
  await revokeAllSessions(ctx.db, { staffUserId: user.id }, { except: input.sessionId });
  return { ok: true as const };
}

/** An admin resets a staff user's second factor (a lost phone): it is off, the recovery codes are
 *  gone and every session of the user ends; where it is required they set it up at next sign-in. */
export async function resetStaffSecondFactor(ctx: Ctx, input: { staffUserId: string }) {
  requireStaff(ctx, "admin");
  const [user] = await ctx.db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, input.staffUserId), eq(staffUsers.practiceId, ctx.practiceId)));
  if (!user) throw new DomainError("NOT_FOUND", "No such staff user.");
  await ctx.db.transaction(async (tx) => {
    await tx.delete(staffSecondFactors).where(eq(staffSecondFactors.staffUserId, user.id));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "staff.resetSecondFactor",
      targetType: "staff_user",
      targetId: user.id,
    });
  });
  const ended = await revokeAllSessions(ctx.db, { staffUserId: user.id });
  return { ok: true as const, sessionsEnded: ended };
}

export type CodeCheck = { ok: true; method: "totp" | "recovery" } | { ok: false; reason: "wrong" | "replayed" };

/**
 * Checks a code of a staff user with a second factor: six digits are a TOTP code (accepted once:
 * its time step must be later than the last one accepted, claimed in one atomic update), anything
 * else a recovery code (removed as it is used, also atomically).
 */
export async function checkSecondFactorCode(
  db: Db,
  staffUserId: string,
  code: string,
  options: { key: Buffer; now?: Date },
): Promise<CodeCheck> {
  const factor = await factorOf(db, staffUserId);
  if (!factor?.enabledAt || !factor.secret) return { ok: false, reason: "wrong" };
  const compact = code.replace(/[\s-]/g, "");
  if (/^\d{6}$/.test(compact)) {
    const step = totpStep(decryptSecret<string>(factor.secret, options.key), compact, options.now);
    if (step === null) return { ok: false, reason: "wrong" };
    const claimed = await db
      .update(staffSecondFactors)
      .set({ lastStep: step })
      .where(
        and(
          eq(staffSecondFactors.staffUserId, staffUserId),
          or(isNull(staffSecondFactors.lastStep), lt(staffSecondFactors.lastStep, step)),
        ),
      )
      .returning({ id: staffSecondFactors.staffUserId });
    return claimed.length > 0 ? { ok: true, method: "totp" } : { ok: false, reason: "replayed" };
  }
  const given = normaliseRecoveryCode(code);
  if (given.length !== 10) return { ok: false, reason: "wrong" };
  for (const hash of factor.recoveryCodes) {
    if (await verifyPassword(hash, given)) {
      const used = await db
        .update(staffSecondFactors)
        .set({ recoveryCodes: sql`array_remove(${staffSecondFactors.recoveryCodes}, ${hash})` })
        .where(and(eq(staffSecondFactors.staffUserId, staffUserId), sql`${hash} = any(${staffSecondFactors.recoveryCodes})`))
        .returning({ id: staffSecondFactors.staffUserId });
      return used.length > 0 ? { ok: true, method: "recovery" } : { ok: false, reason: "replayed" };
    }
  }
  return { ok: false, reason: "wrong" };
}
