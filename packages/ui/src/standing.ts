// A member's standing in plain words (SPEC 7): the tier as of now and what the next one needs,
// the points that expire next, points not yet available. One wording for the portal, the kiosk
// and the admin profile; the numbers come from core's standingOf.
import { formatDate, formatMoney, formatPoints } from "./format.ts";

export interface Standing {
  tier: {
    name: string;
    by: "spend" | "points" | "visits";
    months: number;
    value: number;
    multiplier: number;
    next: { tier: string; from: number; needed: number } | null;
  } | null;
  expiring: { points: number; at: string }[];
  notYetAvailable: { points: number; at: string }[];
}

const months = (n: number) => `${n} ${n === 1 ? "month" : "months"}`;
const visits = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "visit" : "visits"}`;

/** "$1,250.00 spent in the last 12 months" / "340 pts earned …" / "3 visits …". */
export function tierValueText(t: NonNullable<Standing["tier"]>): string {
  const what = t.by === "spend" ? `${formatMoney(t.value)} spent` : t.by === "points" ? `${formatPoints(t.value)} earned` : visits(t.value);
  return `${what} in the last ${months(t.months)}`;
}

/** "Spend $250.00 more to reach Gold" / "Earn 60 pts more …" / "2 more visits …"; null at the top tier. */
export function nextTierText(t: NonNullable<Standing["tier"]>): string | null {
  if (!t.next) return null;
  const n = t.next.needed;
  const more = t.by === "spend" ? `Spend ${formatMoney(n)} more` : t.by === "points" ? `Earn ${formatPoints(n)} more` : `${visits(n)} more`;
  return `${more} to reach ${t.next.tier}`;
}

/** "×1.25 points" for a multiplier above 1, else null. */
export function multiplierText(t: NonNullable<Standing["tier"]>): string | null {
  return t.multiplier > 100 ? `×${(t.multiplier / 100).toString()} points` : null;
}

/** "120 pts expire on Jan 10, 2027". */
export const expiringText = (x: { points: number; at: string }, timeZone: string) =>
  `${formatPoints(x.points)} expire on ${formatDate(x.at, timeZone)}`;

/** "20 pts can be used from Mar 1, 2026". */
export const notYetAvailableText = (x: { points: number; at: string }, timeZone: string) =>
  `${formatPoints(x.points)} can be used from ${formatDate(x.at, timeZone)}`;
