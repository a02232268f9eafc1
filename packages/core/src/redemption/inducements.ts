// Inducement guardrails on spending (SPEC 3; docs/compliance.md): a reward's dollar value against
// the practice's per-item limit (the catalog warns), and a member's redeemed value per calendar
// year against the yearly limit (redemption refuses).
//
// Values: the yearly limit counts redeemed points at the practice's point cost (SPEC: "valued at
// the point cost", Settings → Program, `pointCostCentiCents`). A reward's own value is its face
// value where it has one (gift cards' `valueCents`), else its point price at the point cost.
import type { practices, rewards, Tx } from "@tally/db";
import { sql } from "drizzle-orm";
import { DomainError } from "../errors.ts";
import { query } from "../sql.ts";

type Practice = Pick<
  typeof practices.$inferSelect,
  "pointCostCentiCents" | "rewardValueLimitCents" | "yearlyRedemptionLimitCents" | "timezone"
>;
type Reward = Pick<typeof rewards.$inferSelect, "pointsPrice" | "valueCents">;

/** Points at the practice's point cost, in cents (rounded to the nearest cent). */
export const pointsValueCents = (points: number, pointCostCentiCents: number) => Math.round((points * pointCostCentiCents) / 100);

/** A reward's dollar value in cents: its face value, else its point price at the point cost. */
export const rewardValueCents = (reward: Reward, practice: Pick<Practice, "pointCostCentiCents">) =>
  reward.valueCents ?? pointsValueCents(reward.pointsPrice, practice.pointCostCentiCents);

/** The catalog's warning: the reward is worth more than the practice's per-item limit (null: within it, or no limit). */
export function itemLimitWarning(reward: Reward, practice: Pick<Practice, "pointCostCentiCents" | "rewardValueLimitCents">): string | null {
  const limit = practice.rewardValueLimitCents;
  if (limit === null) return null;
  const value = rewardValueCents(reward, practice);
  if (value <= limit) return null;
  return `Worth ${dollars(value)}, above the practice's limit of ${dollars(limit)} per reward (inducement guardrails).`;
}

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** Points the member redeemed this calendar year (the practice's timezone), cancelled orders left out. */
export async function pointsRedeemedThisYear(tx: Tx, practiceId: string, timezone: string, memberId: string): Promise<number> {
  const [row] = await query<{ points: string | number | null }>(
    tx,
    sql`select coalesce(sum(points), 0) as points from orders
        where practice_id = ${practiceId}::uuid and member_id = ${memberId}::uuid and status <> 'cancelled'
          and created_at >= (date_trunc('year', now() at time zone ${timezone}) at time zone ${timezone})`,
  );
  return Number(row?.points ?? 0);
}

/** Refuses (YEARLY_LIMIT) a redemption that takes the member's redeemed value this year past the limit.
 *  Call with the member's balance locked, so two redemptions at once are counted one after the other. */
export async function assertWithinYearlyLimit(tx: Tx, practiceId: string, practice: Practice, memberId: string, points: number) {
  const limit = practice.yearlyRedemptionLimitCents;
  if (limit === null) return;
  const before = await pointsRedeemedThisYear(tx, practiceId, practice.timezone, memberId);
  // Compared in hundredths of a cent: exact, whatever the point cost.
  if ((before + points) * practice.pointCostCentiCents <= limit * 100) return;
  const used = pointsValueCents(before, practice.pointCostCentiCents);
  throw new DomainError(
    "YEARLY_LIMIT",
    `This reward would take the rewards redeemed this year past the practice's limit of ${dollars(limit)} per patient (${dollars(used)} redeemed so far).`,
    { reason: "yearly_limit", limitCents: limit, redeemedCents: used },
  );
}
