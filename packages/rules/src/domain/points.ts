// "Points this event gave this member": the sum of the event's awards to that member. Reversals
// are not counted here: they correct an earlier event and belong to it.

export interface AwardLike {
  member: string;
  points: number;
}

/**
 * Points an event's outcome awarded to `member`; with no member (or null), to every recipient
 * (for events with one recipient, where the caller does not hold its id).
 */
export function pointsGiven(outcome: { readonly awards: readonly AwardLike[] }, member?: string | null): number {
  let sum = 0;
  for (const a of outcome.awards) if (member == null || a.member === member) sum += a.points;
  return sum;
}
