// The ledger's "why": a sentence for an award, built from the numbers the engine recorded.

import { money } from "../format/format.ts";
import type { AwardEffect } from "./types.ts";

/** The idempotency key of an award: (event, rule, recipient). */
export function awardKey(a: { event: string; rule: string; member: string }): string {
  return JSON.stringify([a.event, a.rule, a.member]);
}

export function explainAward(a: AwardEffect): string {
  const w = a.why;
  const items = (i: "eligible" | "all" | string[]) =>
    i === "eligible" ? "eligible spend" : i === "all" ? "the invoice total" : `spend on ${i.join(", ")}`;
  switch (w.kind) {
    case "earn":
      if (w.mode === "per_transaction")
        return `${a.rule}: ${money(w.basis)} of ${items(w.items)} at ${w.rate} per ${money(w.per)} = ${a.points} points${w.minimum ? ` (minimum ${money(w.minimum)} met)` : ""}`;
      return `${a.rule}: total spend ${money(w.lifetimeBasis)} (this invoice ${money(w.basis)}) at ${w.rate} per ${money(w.per)} = ${Math.floor((w.lifetimeBasis * w.rate) / w.per)} points, less ${w.settledBefore} already settled = ${a.points}`;
    case "reward":
      return `${a.rule}: ${a.points} points on ${w.on}${w.recipient === "referrer" ? " for referring" : ""}${w.accumulate !== "yes" ? ` (accumulate ${w.accumulate})` : ""}`;
    case "manual":
      return `${a.rule}: ${a.points} points, request ${w.request} approved${w.response ? ` (answer: ${w.response})` : ""}`;
    case "milestone":
      return `${a.rule}: ${w.perfectSurveys} perfect surveys${w.phase ? `, phase "${w.phase}" achieved` : ""} = ${a.points} points`;
  }
}
