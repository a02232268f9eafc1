// The short check-in code: 8 digits the portal shows and the kiosk keypad takes, for a kiosk with
// no camera or scanner (the QR token is 60 characters). Valid for a few minutes and used once.
// Only an HMAC of the code is stored (keyed by the server secret: 10^8 codes are no protection
// against a plain hash), unique among a practice's codes, so a live code names one patient. A
// wrong code is a failed attempt of the kiosk (identifyAtKiosk counts it); using a code deletes
// its row in one statement, so a code typed on two kiosks at once checks in once.
import { createHmac } from "node:crypto";
import { checkInCodes, type Db, type Tx } from "@tally/db";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { numericCode } from "./tokens.ts";

export const CHECK_IN_CODE = { digits: 8, lifetimeMs: 5 * 60_000 } as const;

/** A typed check-in code as the kiosk sends it: exactly 8 digits (spaces and dashes dropped). */
export const checkInCodeOf = (raw: string): string | null => {
  const digits = raw.replace(/[\s-]/g, "");
  return new RegExp(`^\\d{${CHECK_IN_CODE.digits}}$`).test(digits) ? digits : null;
};

const codeHash = (secret: string, practiceId: string, code: string) =>
  createHmac("sha256", secret).update(`check-in-code:${practiceId}:${code}`).digest("hex");

/**
 * A new code for the signed-in patient. Their earlier code stops working; expired codes of the
 * practice are cleared. A code that collides with a live one of the practice is drawn again.
 */
export async function issueCheckInCode(ctx: Ctx, options: { secret: string; now?: Date }): Promise<{ code: string; expiresAt: Date }> {
  if (ctx.actor.kind !== "member") throw new DomainError("FORBIDDEN", "Only a signed-in patient has a check-in code.");
  const memberId = ctx.actor.id;
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + CHECK_IN_CODE.lifetimeMs);
  return ctx.db.transaction(async (tx) => {
    await tx
      .delete(checkInCodes)
      .where(
        and(
          eq(checkInCodes.practiceId, ctx.practiceId),
          sql`(${checkInCodes.memberId} = ${memberId}::uuid or ${lte(checkInCodes.expiresAt, now)})`,
        ),
      );
    for (let attempt = 0; attempt < 8; attempt++) {
      const code = numericCode(CHECK_IN_CODE.digits);
      // An expired row under the same hash is taken over; a live one keeps its patient.
      const [row] = await tx
        .insert(checkInCodes)
        .values({ practiceId: ctx.practiceId, memberId, codeHash: codeHash(options.secret, ctx.practiceId, code), expiresAt })
        .onConflictDoUpdate({
          target: [checkInCodes.practiceId, checkInCodes.codeHash],
          set: { memberId, expiresAt, createdAt: now },
          setWhere: lte(checkInCodes.expiresAt, now),
        })
        .returning({ id: checkInCodes.id });
      if (row) return { code, expiresAt };
    }
    throw new DomainError("CONFLICT", "No check-in code is free right now. Please try again.");
  });
}

/** The patient a live code names, using the code up (one statement: of two uses at once, one wins). */
export async function useCheckInCode(
  db: Db | Tx,
  practiceId: string,
  code: string,
  options: { secret: string; now?: Date },
): Promise<string | null> {
  const digits = checkInCodeOf(code);
  if (!digits) return null;
  const now = options.now ?? new Date();
  const [row] = await db
    .delete(checkInCodes)
    .where(
      and(
        eq(checkInCodes.practiceId, practiceId),
        eq(checkInCodes.codeHash, codeHash(options.secret, practiceId, digits)),
        gt(checkInCodes.expiresAt, now),
      ),
    )
    .returning({ memberId: checkInCodes.memberId });
  return row?.memberId ?? null;
}
