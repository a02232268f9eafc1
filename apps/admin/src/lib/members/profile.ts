// The member profile's small forms, kept apart from the route so they can be unit tested: the tags
// typed into "Add tags", and what a desk check-in shows (points, instant rewards and their time left).
import { formatDuration } from "@tally/ui";

const TAG = /^[a-z0-9][a-z0-9 _-]*$/;

/**
 * "Braces, VIP ,  braces" -> ["braces", "vip"]: comma-separated, trimmed, lower case (as core stores
 * them), without repeats. An error names the first tag that cannot be saved.
 */
export function parseTags(raw: string): { tags: string[]; error: string | null } {
  const tags = [
    ...new Set(
      raw
        .split(",")
        .map((t) => t.trim().replace(/\s+/g, " ").toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (tags.length === 0) return { tags, error: "Type a tag to add, such as braces or vip." };
  const long = tags.find((t) => t.length > 50);
  if (long) return { tags, error: `“${long.slice(0, 20)}…” is too long: keep a tag under 50 characters.` };
  const odd = tags.find((t) => !TAG.test(t));
  if (odd) return { tags, error: `“${odd}” has characters a tag cannot use: use letters, numbers, spaces, - and _.` };
  if (tags.length > 20) return { tags, error: "Add at most 20 tags at once." };
  return { tags, error: null };
}

export interface CheckInAnswer {
  pointsEarned: number;
  balance: number | null;
  /** `name`: the coupon as people read it (the catalog's name); `coupon`: its code in the rules. */
  unlockedCoupons: { id: string; coupon: string; name?: string; rule: string | null; expiresAt: Date | string | null }[];
}

export interface CheckInShown {
  points: number;
  balance: number | null;
  rewards: { id: string; coupon: string; rule: string | null; expiresAt: string | null; left: string }[];
}

/** What the desk sees after checking a patient in; the soonest-ending instant reward first. */
export function checkInShown(answer: CheckInAnswer, now: Date | number = Date.now()): CheckInShown {
  const rewards = answer.unlockedCoupons
    .map((c) => {
      const expiresAt = c.expiresAt ? new Date(c.expiresAt).toISOString() : null;
      const ms = expiresAt ? Date.parse(expiresAt) - +now : null;
      const left = ms === null ? "no time limit" : ms <= 0 ? "expired" : `${formatDuration(ms)} left`;
      // The desk reads the coupon's name, never its code.
      return { id: c.id, coupon: c.name ?? c.coupon, rule: c.rule, expiresAt, left };
    })
    .sort((a, b) => (a.expiresAt ?? "9999").localeCompare(b.expiresAt ?? "9999"));
  return { points: answer.pointsEarned, balance: answer.balance, rewards };
}
