// Coupons as people read them: the catalog reward's name ("$10 off your next visit") for the code the
// rules use ("ten-off"). A code the catalog does not know reads as words ("Ten off"), never as a slug.
import { rewards, type Tx } from "@tally/db";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Ctx } from "../context.ts";

/** "free-whitening" -> "Free whitening", when the catalog has no reward for the coupon. */
export const couponLabel = (code: string) => {
  const words = code.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Display names by coupon code for the practice (all coupons, or only `codes`), deleted rewards included. */
export async function couponNames(db: Ctx["db"] | Tx, practiceId: string, codes?: readonly string[]): Promise<Map<string, string>> {
  if (codes && codes.length === 0) return new Map();
  const rows = await db
    .select({ code: rewards.couponCode, name: rewards.name, deletedAt: rewards.deletedAt })
    .from(rewards)
    .where(
      and(
        eq(rewards.practiceId, practiceId),
        isNotNull(rewards.couponCode),
        ...(codes ? [inArray(rewards.couponCode, [...new Set(codes)])] : []),
      ),
    );
  // A live reward's name wins over a deleted one's for the same code.
  const names = new Map<string, string>();
  for (const r of rows.sort((a, b) => Number(!a.deletedAt) - Number(!b.deletedAt))) names.set(r.code!, r.name);
  return names;
}

/** One coupon's display name from a `couponNames` map. */
export const couponName = (code: string, names: ReadonlyMap<string, string>) => names.get(code) ?? couponLabel(code);
