// An engine rejection, when a verb needed the event to succeed, becomes a typed domain error.
import { DomainError } from "../errors.ts";
import type { ProcessedEvent } from "./process-event.ts";

const errors = {
  insufficient_points: ["INSUFFICIENT_POINTS", "Not enough points."],
  program_off: ["PROGRAM_OFF", "The rewards program is off."],
  test_mode: ["TEST_MODE", "The rewards program is in test mode: redemptions are not open yet."],
  limit_reached: ["LIMIT_REACHED", "This reward's limit is already used up."],
  excluded: ["EXCLUDED", "This member is excluded from rewards: they earn no points and cannot redeem."],
  invalid_points: ["INVALID_INPUT", "That number of points is not valid."],
  amount_out_of_range: [
    "INVALID_INPUT",
    "That amount is out of range: an invoice may total at most $10,000,000, and a balance must stay exact.",
  ],
} as const;

export function throwIfRejected(result: ProcessedEvent): void {
  const r = result.rejected[0];
  if (!r) return;
  const [code, message] = errors[r.reason as keyof typeof errors] ?? ["INVALID_INPUT", `Refused: ${r.reason}`];
  throw new DomainError(code, message, { reason: r.reason });
}
