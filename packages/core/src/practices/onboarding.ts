// Starting a practice: `tally practice create` (system actor), the first-run setup page (a one-time
// token the server prints while the database has no practice) and the install's default practice.
import { type Db, installation, practices, setupTokens, staffUsers, type Tx } from "@tally/db";
import { isValidTimezone } from "@tally/rules";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { AuthPolicy } from "../auth/policy.ts";
import { createSession } from "../auth/sessions.ts";
import { minPasswordLength } from "../auth/staff-sign-in.ts";
import { hashToken, randomToken, temporaryPassword } from "../auth/tokens.ts";
import type { Actor, Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { hashPassword } from "../passwords.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";

/** A practice's address in links (?practice=slug): what the portal accepts. */
export const practiceSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "use 2 to 63 lowercase letters, digits and dashes, starting with a letter or digit");

export const ianaTimezone = z.string().trim().min(1).refine(isValidTimezone, "not an IANA timezone (like America/Chicago)");

const practiceFields = z.object({
  name: z.string().trim().min(1).max(200),
  slug: practiceSlug,
  timezone: ianaTimezone,
});

export const createPracticeInput = practiceFields.extend({
  adminEmail: z.email().trim().toLowerCase().max(254),
  adminName: z.string().trim().min(1).max(200).optional(),
});

/** Inserts a practice and its first admin (in the caller's transaction) with both audit rows. */
async function insertPracticeWithAdmin(
  tx: Tx,
  actor: Actor,
  p: z.output<typeof practiceFields>,
  admin: { email: string; name: string; passwordHash: string; mustChangePassword: boolean },
) {
  const [taken] = await tx.select({ id: practices.id }).from(practices).where(eq(practices.slug, p.slug));
  if (taken) throw new DomainError("CONFLICT", `A practice with the address “${p.slug}” already exists. Choose another.`);
  // New practices start in test mode: staff see everything, patients nothing, until the program is ready.
  const [practice] = await tx.insert(practices).values({ name: p.name, slug: p.slug, timezone: p.timezone, status: "test" }).returning();
  const [user] = await tx
    .insert(staffUsers)
    .values({ practiceId: practice!.id, role: "admin", ...admin })
    .returning({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name });
  await audit(
    tx,
    { practiceId: practice!.id, actor },
    { action: "practices.create", targetType: "practice", targetId: practice!.id, details: { ...p } },
    { action: "staff.create", targetType: "staff_user", targetId: user!.id, details: { email: admin.email, role: "admin" } },
  );
  return { practice: practice!, admin: user! };
}

/** `tally practice create`: the practice and its first admin with a temporary password, shown once
 *  (the admin sets their own at first sign-in). Only the system actor (the operator's CLI) may. */
export async function createPractice({ ctx, input }: { ctx: Ctx; input: Input<typeof createPracticeInput> }) {
  authorize(ctx, "practices.create");
  const data = parseInput(createPracticeInput, input);
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const name = data.adminName ?? data.adminEmail.split("@")[0]!;
  const created = await inTx(ctx, (tx) =>
    insertPracticeWithAdmin(tx, ctx.actor, data, { email: data.adminEmail, name, passwordHash, mustChangePassword: true }),
  );
  return {
    practice: { id: created.practice.id, slug: created.practice.slug, name: created.practice.name, timezone: created.practice.timezone },
    admin: created.admin,
    temporaryPassword: password,
  };
}

/** Practices of the install, for the operator's CLI. */
export async function listAllPractices(db: Db) {
  const def = await installDefaultPracticeId(db);
  const rows = await db
    .select({ id: practices.id, slug: practices.slug, name: practices.name, timezone: practices.timezone, status: practices.status })
    .from(practices)
    .orderBy(asc(practices.slug));
  return rows.map((r) => ({ ...r, isDefault: r.id === def }));
}

// ---- first-run setup ------------------------------------------------------------------------

const setupTokenTtlMs = 24 * 60 * 60 * 1000;

async function hasPractice(db: Db | Tx): Promise<boolean> {
  const [row] = await db.select({ id: practices.id }).from(practices).limit(1);
  return Boolean(row);
}

/** Whether the install still needs its first practice (the setup page is open, with a token). */
export async function setupStatus(db: Db): Promise<{ needed: boolean }> {
  return { needed: !(await hasPractice(db)) };
}

/** A new one-time setup token (only its hash is kept; valid 24 h) while there is no practice;
 *  null once there is one. The server prints it at start. */
export async function issueSetupToken(
  db: Db,
  options: { now?: Date; ttlMs?: number } = {},
): Promise<{ token: string; expiresAt: Date } | null> {
  if (await hasPractice(db)) return null;
  const now = options.now ?? new Date();
  const token = randomToken("setup_");
  const expiresAt = new Date(now.getTime() + (options.ttlMs ?? setupTokenTtlMs));
  await db.insert(setupTokens).values({ tokenHash: hashToken(token), expiresAt, createdAt: now });
  return { token, expiresAt };
}

export const completeSetupInput = z.object({
  token: z.string().min(10).max(200),
  practice: practiceFields,
  admin: z.object({
    name: z.string().trim().min(1).max(200),
    email: z.email().trim().toLowerCase().max(254),
    password: z.string().min(minPasswordLength, `use at least ${minPasswordLength} characters`).max(200),
  }),
});

/** The setup page's one write: uses the token (once), creates the practice and its admin with the
 *  password they chose, makes it the install's default and signs the admin in. */
export async function completeSetup(
  db: Db,
  input: Input<typeof completeSetupInput>,
  options: { policy?: AuthPolicy; userAgent?: string | null; replaces?: string | null; now?: Date } = {},
) {
  const data = parseInput(completeSetupInput, input);
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(data.admin.password);
  const created = await db.transaction(async (tx) => {
    // One setup at a time: a second request with the same (or another) token waits, then finds it used.
    await tx.execute(sql`lock table ${setupTokens} in exclusive mode`);
    const [used] = await tx
      .update(setupTokens)
      .set({ usedAt: now })
      .where(and(eq(setupTokens.tokenHash, hashToken(data.token)), isNull(setupTokens.usedAt), gt(setupTokens.expiresAt, now)))
      .returning({ tokenHash: setupTokens.tokenHash });
    if (!used) throw new DomainError("FORBIDDEN", "This setup link is used, expired or wrong. Restart the server for a new one.");
    if (await hasPractice(tx)) throw new DomainError("CONFLICT", "This install is already set up. Sign in instead.");
    const result = await insertPracticeWithAdmin(tx, { kind: "system", id: "system" }, data.practice, {
      email: data.admin.email,
      name: data.admin.name,
      passwordHash,
      mustChangePassword: false,
    });
    await tx
      .insert(installation)
      .values({ id: 1, defaultPracticeId: result.practice.id, updatedAt: now })
      .onConflictDoUpdate({ target: installation.id, set: { defaultPracticeId: result.practice.id, updatedAt: now } });
    return result;
  });
  const session = await createSession(db, { kind: "staff", practiceId: created.practice.id, staffUserId: created.admin.id }, options);
  return { ...session, practice: { id: created.practice.id, slug: created.practice.slug }, staff: created.admin };
}

// ---- the install's default practice ---------------------------------------------------------

async function installDefaultPracticeId(db: Db | Tx): Promise<string | null> {
  const [row] = await db.select({ id: installation.defaultPracticeId }).from(installation).where(eq(installation.id, 1));
  return row?.id ?? null;
}

/** The practice the portal and kiosk open with when neither a link nor TALLY_PRACTICE names one:
 *  the stored default, else the only practice; null when there is none (or several, none chosen). */
export async function installDefaultPractice(db: Db): Promise<{ slug: string; name: string } | null> {
  const id = await installDefaultPracticeId(db);
  const rows = await db
    .select({ slug: practices.slug, name: practices.name })
    .from(practices)
    .where(id ? eq(practices.id, id) : undefined)
    .limit(2);
  return rows.length === 1 ? rows[0]! : null;
}

export const setDefaultPracticeInput = z.object({ isDefault: z.boolean() });

/** An admin makes their practice the install's default (or gives that up). A default another
 *  practice holds is left alone: only the operator changes it (`tally practice default`). */
export async function setDefaultPractice({ ctx, input }: { ctx: Ctx; input: Input<typeof setDefaultPracticeInput> }) {
  authorize(ctx, "practices.setDefault");
  const { isDefault } = parseInput(setDefaultPracticeInput, input);
  return inTx(ctx, async (tx) => {
    await tx.execute(sql`lock table ${installation} in exclusive mode`);
    const current = await installDefaultPracticeId(tx);
    if (current && current !== ctx.practiceId && ctx.actor.kind !== "system") {
      throw new DomainError(
        "CONFLICT",
        "Another practice on this install is the default. The operator can change it with `pnpm tally practice default`.",
      );
    }
    const next = isDefault ? ctx.practiceId : current === ctx.practiceId ? null : current;
    await tx
      .insert(installation)
      .values({ id: 1, defaultPracticeId: next })
      .onConflictDoUpdate({ target: installation.id, set: { defaultPracticeId: next, updatedAt: new Date() } });
    await audit(tx, ctx, { action: "practices.setDefault", targetType: "practice", targetId: ctx.practiceId, details: { isDefault } });
    return { isDefault: next === ctx.practiceId };
  });
}

/** Whether the acting practice is the install's stored default. */
export async function isDefaultPractice(db: Db, practiceId: string): Promise<boolean> {
  return (await installDefaultPracticeId(db)) === practiceId;
}

/** The operator's CLI: the practice with this slug becomes the default. */
export async function setDefaultPracticeBySlug(db: Db, slug: string) {
  const [p] = await db.select({ id: practices.id }).from(practices).where(eq(practices.slug, slug));
  if (!p) throw new DomainError("NOT_FOUND", `No practice with the address “${slug}”.`);
  return setDefaultPractice({ ctx: { db, practiceId: p.id, actor: { kind: "system", id: "system" } }, input: { isDefault: true } });
}
