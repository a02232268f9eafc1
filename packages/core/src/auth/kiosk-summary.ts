// Read-only: the little a kiosk may show about the patient it just identified — first name, last
// initial, balance, milestone phases reached and active coupons with their expiry.
import { type Db, issuedCoupons, memberBalances, memberPhases, members } from "@tally/db";
import { and, asc, eq, gt, isNull, or } from "drizzle-orm";

export interface KioskSummary {
  firstName: string;
  lastInitial: string;
  balance: number;
  phases: { rule: string; phase: string }[];
  coupons: { coupon: string; expiresAt: Date | null }[];
}

export async function kioskSummary(db: Db, practiceId: string, memberId: string, now = new Date()): Promise<KioskSummary | null> {
  const [m] = await db
    .select({ firstName: members.firstName, lastName: members.lastName, balance: memberBalances.balance })
    .from(members)
    .leftJoin(memberBalances, eq(memberBalances.memberId, members.id))
    .where(and(eq(members.id, memberId), eq(members.practiceId, practiceId)));
  if (!m) return null;
  const [phases, coupons] = await Promise.all([
    db
      .select({ rule: memberPhases.ruleName, phase: memberPhases.phase })
      .from(memberPhases)
      .where(and(eq(memberPhases.memberId, memberId), eq(memberPhases.practiceId, practiceId)))
      .orderBy(asc(memberPhases.achievedAt)),
    db
      .select({ coupon: issuedCoupons.coupon, expiresAt: issuedCoupons.expiresAt })
      .from(issuedCoupons)
      .where(
        and(
          eq(issuedCoupons.memberId, memberId),
          eq(issuedCoupons.practiceId, practiceId),
          eq(issuedCoupons.status, "active"),
          or(isNull(issuedCoupons.expiresAt), gt(issuedCoupons.expiresAt, now)),
        ),
      )
      .orderBy(asc(issuedCoupons.expiresAt)),
  ]);
  return { firstName: m.firstName, lastInitial: m.lastName.slice(0, 1), balance: m.balance ?? 0, phases, coupons };
}
