// "You unlocked a coupon": queued by the write pipeline (recordEvents) in the transaction that
// issues the coupons, so a message exists exactly when its coupon committed, whatever the door
// (kiosk, desk, import, integration). Not from the live NOTIFY, which is delivered at most once to
// whoever listens. Only coupons unlocked by recent events (a backfill of old invoices announces
// nothing) and still valid; the outbox's rules (status, switches, opt-outs, consent) apply.
import { type issuedCoupons, practices, rewards, type Tx } from "@tally/db";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { couponName, couponNames } from "../catalog/coupon-names.ts";
import type { Translations } from "../i18n/locale.ts";
import { translationsOf } from "../i18n/translations.ts";
import { enqueueMessage } from "./outbox.ts";

/** Events older than this when recorded unlock coupons silently. */
export const couponMessageWindowMs = 2 * 86_400_000;

export async function enqueueCouponMessages(
  tx: Tx,
  practiceId: string,
  coupons: readonly (typeof issuedCoupons.$inferInsert)[],
  now = new Date(),
): Promise<number> {
  const fresh = coupons.filter((c) => {
    const issued = c.issuedAt instanceof Date ? c.issuedAt : new Date(c.issuedAt ?? now);
    return now.getTime() - issued.getTime() <= couponMessageWindowMs && !(c.expiresAt && c.expiresAt <= now);
  });
  if (fresh.length === 0) return 0;
  // Off and test mode send patients nothing: no rows either (an import can unlock thousands).
  const [practice] = await tx.select({ status: practices.status }).from(practices).where(eq(practices.id, practiceId));
  if (practice?.status !== "on") return 0;
  const names = await couponNames(
    tx,
    practiceId,
    fresh.map((c) => c.coupon),
  );
  // The catalog reward's name in other languages, for members who read one (the sender picks).
  const codes = [...new Set(fresh.map((c) => c.coupon))];
  const couponRewards = await tx
    .select({ id: rewards.id, code: rewards.couponCode })
    .from(rewards)
    .where(and(eq(rewards.practiceId, practiceId), inArray(rewards.couponCode, codes), isNull(rewards.deletedAt)));
  const rewardTexts = await translationsOf(
    tx,
    practiceId,
    "reward",
    couponRewards.map((r) => r.id),
  );
  const nameTranslations = new Map<string, Translations>();
  for (const r of couponRewards) {
    const t = rewardTexts.get(r.id) ?? {};
    nameTranslations.set(r.code!, Object.fromEntries(Object.entries(t).map(([l, f]) => [l, { couponName: f.name ?? "" }])));
  }
  let queued = 0;
  for (const c of fresh) {
    const name = couponName(c.coupon, names);
    for (const channel of ["email", "sms"] as const) {
      const r = await enqueueMessage(tx, {
        practiceId,
        memberId: c.memberId,
        kind: "coupon_unlocked",
        channel,
        subjectKey: `coupon:${c.idempotencyKey}`,
        title: `You unlocked ${name}`,
        data: { couponName: name, expiresAt: c.expiresAt?.toISOString() ?? null, translations: nameTranslations.get(c.coupon) ?? {} },
        now,
      });
      if (r.created && r.status === "queued") queued++;
    }
  }
  return queued;
}
