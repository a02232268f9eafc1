// Read-only query behind the daily digest job (kept here, beside the other API-only queries):
// members of a practice who received points within a window, with what they got that day.
// Members who turned email updates off (portal profile) are left out.
// The window is on when the points were recorded (the ledger row's createdAt), not on the event's
// time: an overnight import of yesterday's invoices is in tomorrow's digest instead of never.
// The program status decides whether patients may hear of points at all (patientVisibility): in
// test mode they see no balance, so there is no digest.
import { consents, type Db, ledgerEntries, memberBalances, members, practices } from "@tally/db";
import { patientVisibility } from "@tally/rules";
import { and, eq, gt, gte, isNotNull, lt, sql } from "drizzle-orm";
import { emailUpdatesKind } from "../members/member-overview.ts";

export interface DigestRecipient {
  memberId: string;
  email: string;
  firstName: string;
  points: number;
  balance: number;
}

export async function digestRecipients(db: Db, practiceId: string, from: Date, to: Date): Promise<DigestRecipient[]> {
  const [practice] = await db.select({ status: practices.status }).from(practices).where(eq(practices.id, practiceId));
  if (!practice || !patientVisibility(practice.status).showBalance) return [];
  const rows = await db
    .select({
      memberId: members.id,
      email: members.email,
      firstName: members.firstName,
      points: sql<number>`sum(${ledgerEntries.points})::int`,
      balance: sql<number>`coalesce(max(${memberBalances.balance}), 0)::int`,
    })
    .from(ledgerEntries)
    .innerJoin(members, and(eq(members.practiceId, ledgerEntries.practiceId), eq(members.id, ledgerEntries.memberId)))
    .leftJoin(memberBalances, and(eq(memberBalances.practiceId, members.practiceId), eq(memberBalances.memberId, members.id)))
    .where(
      and(
        eq(ledgerEntries.practiceId, practiceId),
        gte(ledgerEntries.createdAt, from),
        lt(ledgerEntries.createdAt, to),
        gt(ledgerEntries.points, 0),
        isNotNull(members.email),
        eq(members.status, "member"),
        // The latest email-updates choice wins; no choice yet means updates are on.
        sql`coalesce((select ${consents.full} from ${consents} where ${consents.memberId} = ${members.id} and ${consents.kind} = ${emailUpdatesKind} and ${consents.revokedAt} is null order by ${consents.givenAt} desc, ${consents.createdAt} desc limit 1), true)`,
      ),
    )
    .groupBy(members.id, members.email, members.firstName);
  return rows.filter((r) => r.email).map((r) => ({ ...r, email: r.email!, points: Number(r.points), balance: Number(r.balance) }));
}
