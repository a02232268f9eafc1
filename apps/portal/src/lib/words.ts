// Plain words for the portal: each ledger line as a sentence ("+24 pts — visit on May 1"),
// dates in the practice's timezone, and progress toward the next reward. Pure, so it is tested.
import { formatDayTime, formatDay as formatDayWith, formatPoints } from "@tally/ui/format";

/** May 1 (this year) or May 1, 2025, in the practice's timezone (the one formatter, @tally/ui/format). */
export function formatDay(at: Date | string, timeZone: string, now: Date = new Date(), locale?: string): string {
  return formatDayWith(at, timeZone, { now, ...(locale ? { locale } : {}) });
}

/** May 1, 3:05 PM in the practice's timezone (for expiries). */
export function formatDateTime(at: Date | string, timeZone: string, locale?: string): string {
  return formatDayTime(at, timeZone, locale ? { locale } : {});
}

const eventWords: Record<string, string> = {
  "invoice.paid": "visit",
  "invoice.voided": "cancelled payment",
  "visit.checked_in": "check-in",
  "consent.given": "media consent",
  "survey.submitted": "treatment check",
  "referral.converted": "friend referred",
  "review.posted": "review",
  "qr.scanned": "QR code",
  "marketplace.participated": "taking part",
  "member.registered": "joining",
  "member.first_login": "first sign-in",
  "member.birthday": "birthday",
  "action.approved": "completed action",
};

export interface ActivityLine {
  kind: string;
  points: number;
  ruleName: string | null;
  note: string | null;
  eventType: string | null;
  at: Date | string;
}

/** What happened, in a few words: "visit", "redeemed a reward", "added by the practice". */
export function activityWhat(line: ActivityLine): string {
  if (line.kind === "redemption") return "reward redeemed";
  if (line.kind === "refund") return "points returned";
  if (line.kind === "adjustment") return line.points >= 0 ? "added by the practice" : "taken off by the practice";
  if (line.kind === "reversal") return "payment cancelled";
  if (line.kind === "expiry") return "points expired";
  if (line.kind === "milestone") return "milestone reached";
  return (line.eventType && eventWords[line.eventType]) || "points";
}

/** The reason shown under the line: the rule's name, or the staff note. */
export function activityWhy(line: ActivityLine): string | null {
  if (line.note) return line.note;
  if (line.ruleName) return line.ruleName;
  return null;
}

/** "+24 pts — visit on May 1" */
export function activitySentence(line: ActivityLine, timeZone: string, now = new Date()): string {
  return `${formatPoints(line.points, { signed: true })} — ${activityWhat(line)} on ${formatDay(line.at, timeZone, now)}`;
}

export interface Priced {
  id: string;
  name: string;
  pointsPrice: number;
}

/**
 * The next reward to aim for: the cheapest one the balance does not cover yet; when everything
 * is affordable, the most expensive one (full ring). Null when the catalog is empty.
 */
export function nextReward<T extends Priced>(
  balance: number,
  rewards: readonly T[],
): { reward: T; needed: number; fraction: number } | null {
  if (rewards.length === 0) return null;
  const sorted = [...rewards].sort((a, b) => a.pointsPrice - b.pointsPrice);
  const target = sorted.find((r) => r.pointsPrice > balance) ?? sorted[sorted.length - 1]!;
  const needed = Math.max(0, target.pointsPrice - balance);
  const fraction = target.pointsPrice <= 0 ? 1 : Math.min(1, Math.max(0, balance / target.pointsPrice));
  return { reward: target, needed, fraction };
}

/** "You need 120 more points" / "You have enough points" */
export function shortBy(balance: number, price: number): string | null {
  const needed = price - balance;
  if (needed <= 0) return null;
  return `You need ${needed.toLocaleString("en-US")} more ${needed === 1 ? "point" : "points"}`;
}
