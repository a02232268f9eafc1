// Kiosk pairing: an admin creates a device and gets a short one-time code; the tablet trades the
// code for a long-lived device token (sent as `Authorization: Bearer`). Revoking cuts it off.
import { authLockouts, type Db, kioskDevices, practices } from "@tally/db";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { cachePerDatabase } from "../cache.ts";
import { type Ctx, requireStaff } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { perDatabase } from "../sql.ts";
import { writeAuthAudit } from "./audit.ts";
import { touchEveryMs } from "./policy.ts";
import { hashToken, numericCode, practiceToken, tokenPractice } from "./tokens.ts";

const pairingMs = 15 * 60_000;

/** A code no live pairing of any practice uses: the tablet types it before its practice is known
 *  (found by its hash alone, the one lookup of a kiosk that is not routed by practice). */
async function freePairingCode(db: Ctx["db"], now: Date): Promise<string> {
  for (;;) {
    const code = numericCode(8);
    const [taken] = await db
      .select({ id: kioskDevices.id })
      .from(kioskDevices)
      .where(and(eq(kioskDevices.pairingCodeHash, hashToken(code)), gt(kioskDevices.pairingExpiresAt, now)))
      .limit(1);
    if (!taken) return code;
  }
}

export async function createKioskPairing(ctx: Ctx, input: { name: string }) {
  requireStaff(ctx, "admin");
  const code = await freePairingCode(ctx.db, new Date());
  const expiresAt = new Date(Date.now() + pairingMs);
  return ctx.db.transaction(async (tx) => {
    const [device] = await tx
      .insert(kioskDevices)
      .values({
        practiceId: ctx.practiceId,
        name: input.name.trim(),
        pairingCodeHash: hashToken(code),
        pairingExpiresAt: expiresAt,
        createdByStaffId: ctx.actor.kind === "staff" ? ctx.actor.id : null,
      })
      .returning({ id: kioskDevices.id, name: kioskDevices.name });
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "kiosk.createPairing",
      targetType: "kiosk_device",
      targetId: device!.id,
    });
    return { deviceId: device!.id, name: device!.name, code, expiresAt };
  });
}

/** Called by the tablet (no session): a valid unexpired code becomes a device token, once. */
export async function pairKiosk(db: Db, input: { code: string }, now = new Date()) {
  const invalid = () => new DomainError("UNAUTHORIZED", "That pairing code is not valid. Ask an admin for a new one.");
  // The code names no practice: find its device first (across practices), then pair it there.
  const live = await db
    .select({ id: kioskDevices.id, practiceId: kioskDevices.practiceId })
    .from(kioskDevices)
    .where(
      and(
        eq(kioskDevices.pairingCodeHash, hashToken(input.code.trim())),
        gt(kioskDevices.pairingExpiresAt, now),
        isNull(kioskDevices.revokedAt),
      ),
    )
    .limit(2);
  if (live.length !== 1) throw invalid();
  const found = live[0]!;
  // The device token names its practice, so every later lookup is routed (tokens.ts).
  const token = practiceToken("k_", found.practiceId);
  // One conditional update: two tablets racing with the same code cannot both pair.
  const [device] = await db
    .update(kioskDevices)
    .set({ tokenHash: hashToken(token), pairingCodeHash: null, pairingExpiresAt: null, pairedAt: now })
    .where(
      and(
        eq(kioskDevices.practiceId, found.practiceId),
        eq(kioskDevices.id, found.id),
        eq(kioskDevices.pairingCodeHash, hashToken(input.code.trim())),
        gt(kioskDevices.pairingExpiresAt, now),
        isNull(kioskDevices.revokedAt),
      ),
    )
    .returning({ id: kioskDevices.id, name: kioskDevices.name, practiceId: kioskDevices.practiceId });
  if (!device) throw invalid();
  const [practice] = await db
    .select({ slug: practices.slug, name: practices.name })
    .from(practices)
    .where(eq(practices.id, device.practiceId));
  return { token, device: { id: device.id, name: device.name, practice: practice?.slug ?? "", practiceName: practice?.name ?? "" } };
}

export interface KioskPrincipal {
  kind: "kiosk";
  deviceId: string;
  name: string;
  practiceId: string;
  practiceTimezone: string;
}

const kioskDeviceColumns = {
  id: kioskDevices.id,
  name: kioskDevices.name,
  practiceId: kioskDevices.practiceId,
  revokedAt: kioskDevices.revokedAt,
  lastSeenAt: kioskDevices.lastSeenAt,
  timezone: practices.timezone,
};
// Built once per database: every kiosk request runs one (cached until the next write).
const kioskDeviceQuery = perDatabase((db: Db) =>
  db
    .select(kioskDeviceColumns)
    .from(kioskDevices)
    .innerJoin(practices, eq(practices.id, kioskDevices.practiceId))
    .where(and(eq(kioskDevices.practiceId, sql.placeholder("practiceId")), eq(kioskDevices.tokenHash, sql.placeholder("tokenHash"))))
    .prepare("kiosk_device"),
);
/** Device tokens made before tokens named their practice: by the hash alone. */
const legacyKioskDeviceQuery = perDatabase((db: Db) =>
  db
    .select(kioskDeviceColumns)
    .from(kioskDevices)
    .innerJoin(practices, eq(practices.id, kioskDevices.practiceId))
    .where(eq(kioskDevices.tokenHash, sql.placeholder("tokenHash")))
    .prepare("kiosk_device_legacy"),
);

type KioskRow = Awaited<ReturnType<ReturnType<typeof kioskDeviceQuery>["execute"]>>[number];

async function findKioskDevice(db: Db, token: string): Promise<KioskRow | undefined> {
  const routed = tokenPractice(token);
  const tokenHash = hashToken(token);
  const rows = routed
    ? await kioskDeviceQuery(db).execute({ practiceId: routed.practiceId, tokenHash })
    : await legacyKioskDeviceQuery(db).execute({ tokenHash });
  return rows[0];
}
/** Devices whose last-seen time is being written now. */
const touching = new Set<string>();
const kioskDeviceCache = cachePerDatabase<string, KioskRow | undefined>(["kiosk_devices", "practices"]);

export async function resolveKioskDevice(db: Db, token: string, now = new Date()): Promise<KioskPrincipal | null> {
  const row = await kioskDeviceCache(db).get(db, token, () => findKioskDevice(db, token));
  if (!row || row.revokedAt) return null;
  if ((!row.lastSeenAt || now.getTime() - row.lastSeenAt.getTime() >= touchEveryMs) && !touching.has(row.id)) {
    // One touch at a time per device: the requests arriving meanwhile read the same stale row.
    touching.add(row.id);
    try {
      await db
        .update(kioskDevices)
        .set({ lastSeenAt: now })
        .where(and(eq(kioskDevices.practiceId, row.practiceId), eq(kioskDevices.id, row.id)));
    } finally {
      touching.delete(row.id);
    }
  }
  return { kind: "kiosk", deviceId: row.id, name: row.name, practiceId: row.practiceId, practiceTimezone: row.timezone };
}

export async function listKioskDevices(ctx: Ctx) {
  requireStaff(ctx, "admin");
  return ctx.db
    .select({
      id: kioskDevices.id,
      name: kioskDevices.name,
      pairedAt: kioskDevices.pairedAt,
      pairingExpiresAt: kioskDevices.pairingExpiresAt,
      lastSeenAt: kioskDevices.lastSeenAt,
      revokedAt: kioskDevices.revokedAt,
      createdAt: kioskDevices.createdAt,
      qrReader: kioskDevices.qrReader,
    })
    .from(kioskDevices)
    .where(eq(kioskDevices.practiceId, ctx.practiceId))
    .orderBy(desc(kioskDevices.createdAt));
}

export async function revokeKioskDevice(ctx: Ctx, input: { deviceId: string }) {
  requireStaff(ctx, "admin");
  return ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .update(kioskDevices)
      .set({ revokedAt: new Date(), tokenHash: null, pairingCodeHash: null })
      .where(and(eq(kioskDevices.id, input.deviceId), eq(kioskDevices.practiceId, ctx.practiceId)))
      .returning({ id: kioskDevices.id });
    if (!d) throw new DomainError("NOT_FOUND", "No such kiosk.");
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "kiosk.revoke",
      targetType: "kiosk_device",
      targetId: d.id,
    });
    return { ok: true as const };
  });
}

/** Lifts a kiosk device's lockout early (an admin checked the person at the desk): only a
 *  device of this practice, audited. */
export async function unlockKioskDevice(ctx: Ctx, input: { deviceId: string }) {
  authorize(ctx, "kiosks.unlockDevice");
  return ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .select({ id: kioskDevices.id })
      .from(kioskDevices)
      .where(and(eq(kioskDevices.id, input.deviceId), eq(kioskDevices.practiceId, ctx.practiceId)));
    if (!d) throw new DomainError("NOT_FOUND", "No such kiosk.");
    await tx
      .update(authLockouts)
      .set({ failures: 0, lockedUntil: null, updatedAt: new Date() })
      .where(and(eq(authLockouts.scope, "kiosk_device"), eq(authLockouts.subject, d.id)));
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "kiosk.unlockDevice",
      targetType: "kiosk_device",
      targetId: d.id,
    });
    return { ok: true as const };
  });
}

/** How a kiosk reads a patient's QR code: a camera, a scanner, or nothing (no QR screen; the
 *  patient types the short check-in code instead). */
export const QR_READERS = ["camera", "scanner"] as const;
export type QrReader = (typeof QR_READERS)[number];

/** An admin says whether this kiosk has a camera or scanner for QR codes (audited). */
export async function setKioskQrReader(ctx: Ctx, input: { deviceId: string; qrReader: QrReader | null }) {
  requireStaff(ctx, "admin");
  return ctx.db.transaction(async (tx) => {
    const [d] = await tx
      .update(kioskDevices)
      .set({ qrReader: input.qrReader })
      .where(and(eq(kioskDevices.id, input.deviceId), eq(kioskDevices.practiceId, ctx.practiceId)))
      .returning({ id: kioskDevices.id });
    if (!d) throw new DomainError("NOT_FOUND", "No such kiosk.");
    await writeAuthAudit(tx, {
      practiceId: ctx.practiceId,
      actor: ctx.actor,
      action: "kiosk.setQrReader",
      targetType: "kiosk_device",
      targetId: d.id,
      details: { qrReader: input.qrReader ?? "none" },
    });
    return { ok: true as const };
  });
}

/** What the acting kiosk offers: its QR reader, if any. */
export async function kioskSetup(ctx: Ctx): Promise<{ qrReader: QrReader | null }> {
  if (ctx.actor.kind !== "kiosk") throw new DomainError("FORBIDDEN", "Only a paired kiosk can do this.");
  const [d] = await ctx.db
    .select({ qrReader: kioskDevices.qrReader })
    .from(kioskDevices)
    .where(and(eq(kioskDevices.id, ctx.actor.id), eq(kioskDevices.practiceId, ctx.practiceId)));
  const reader = d?.qrReader;
  return { qrReader: reader === "camera" || reader === "scanner" ? reader : null };
}
