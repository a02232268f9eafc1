// QR codes printed in the office: each has a random token in its payload; scanning it sends
// `qr.scanned` once per member (a second scan by the same member awards nothing).
import { randomBytes } from "node:crypto";
import { practices, qrCodes, qrScans, type Tx } from "@tally/db";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

export const createQrCodeInput = z.object({
  code: z.string().trim().min(1).max(100),
  label: z.string().max(200).default(""),
});

/** The text the printed QR code holds: the portal's scan path with the token. */
export const qrPayload = (token: string) => `tally:qr:${token}`;

/** The portal page a printed code opens. It names the practice, so a phone that has never
 * opened this practice's portal still signs in to the right one. */
async function scanPathFor(db: Ctx["db"] | Tx, practiceId: string) {
  const [p] = await db.select({ slug: practices.slug }).from(practices).where(eq(practices.id, practiceId));
  const query = p ? `?practice=${encodeURIComponent(p.slug)}` : "";
  return (token: string) => `/portal/scan/${token}${query}`;
}

export async function createQrCode({ ctx, input }: { ctx: Ctx; input: Input<typeof createQrCodeInput> }) {
  authorize(ctx, "engagement.manageQrCodes");
  const data = parseInput(createQrCodeInput, input);
  return inTx(ctx, async (tx) => {
    const token = randomBytes(16).toString("base64url");
    const [row] = await tx
      .insert(qrCodes)
      .values({ practiceId: ctx.practiceId, code: data.code, label: data.label, token })
      .returning()
      .catch((e) => {
        if ((e.cause ?? e).code === "23505") throw new DomainError("CONFLICT", "A QR code with this code exists already.");
        throw e;
      });
    await audit(tx, ctx, { action: "engagement.createQrCode", targetType: "qr_code", targetId: row!.id, details: data });
    const scanPath = await scanPathFor(tx, ctx.practiceId);
    return { ...row!, payload: qrPayload(token), path: scanPath(token) };
  });
}

export async function listQrCodes({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "engagement.manageQrCodes");
  const rows = await ctx.db.select().from(qrCodes).where(eq(qrCodes.practiceId, ctx.practiceId)).orderBy(desc(qrCodes.createdAt));
  const scanPath = await scanPathFor(ctx.db, ctx.practiceId);
  return rows.map((r) => ({ ...r, payload: qrPayload(r.token), path: scanPath(r.token) }));
}

export const setQrCodeActiveInput = z.object({ id: z.uuid(), active: z.boolean() });

export async function setQrCodeActive({ ctx, input }: { ctx: Ctx; input: Input<typeof setQrCodeActiveInput> }) {
  authorize(ctx, "engagement.manageQrCodes");
  const { id, active } = parseInput(setQrCodeActiveInput, input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(qrCodes)
      .set({ active })
      .where(and(eq(qrCodes.id, id), eq(qrCodes.practiceId, ctx.practiceId)))
      .returning();
    if (!row) throw notFound("QR code");
    await audit(tx, ctx, { action: "engagement.setQrCodeActive", targetType: "qr_code", targetId: id, details: { active } });
    return row;
  });
}

export const scanQrInput = z.object({
  memberId: z.uuid(),
  /** The token, or the whole scanned payload. */
  token: z.string().min(8).max(300),
});

export async function scanQr({ ctx, input }: { ctx: Ctx; input: Input<typeof scanQrInput> }) {
  authorize(ctx, "engagement.scanQr");
  const data = parseInput(scanQrInput, input);
  assertSelf(ctx, data.memberId);
  const token = data.token.replace(/^tally:qr:/, "").replace(/^.*\/scan\//, "");
  return inTx(ctx, async (tx) => {
    await findMember(tx, ctx, data.memberId);
    const [qr] = await tx
      .select()
      .from(qrCodes)
      .where(and(eq(qrCodes.token, token), eq(qrCodes.practiceId, ctx.practiceId)));
    if (!qr?.active) throw notFound("QR code");
    const now = new Date();
    const [scan] = await tx
      .insert(qrScans)
      .values({ practiceId: ctx.practiceId, qrCodeId: qr.id, memberId: data.memberId, at: now })
      .onConflictDoNothing()
      .returning({ id: qrScans.id });
    if (!scan) return { code: qr.code, firstScan: false, awards: [] };
    const outcome = await processEvent(tx, ctx, {
      id: `qr:${qr.id}:${data.memberId}`,
      type: "qr.scanned",
      at: now.toISOString(),
      member: data.memberId,
      qr: { code: qr.code },
    });
    await tx.update(qrScans).set({ eventId: outcome.eventId }).where(eq(qrScans.id, scan.id));
    await audit(tx, ctx, { action: "engagement.scanQr", targetType: "qr_code", targetId: qr.id, details: { memberId: data.memberId } });
    return { code: qr.code, firstScan: true, awards: outcome.awards };
  });
}
