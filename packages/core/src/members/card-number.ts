// The one generator of rewards-card numbers Tally issues (the demo seed, and anything that hands
// out a card): 12 digits from node:crypto and a Luhn check digit. 10^12 numbers for a few thousand
// patients per practice cannot be guessed within the kiosk's lockout; the check digit lets the
// kiosk refuse a mistyped or made-up number before it looks anything up (@tally/rules `failsCardCheck`).
import { randomInt } from "node:crypto";
import { ISSUED_CARD_DIGITS, luhnCheckDigit } from "@tally/rules/domain";

const PAYLOAD_DIGITS = ISSUED_CARD_DIGITS - 1;

/** A new card number: 12 random digits (the first never 0, so it reads as a 13-digit number) and a Luhn check digit. */
export function newCardNumber(): string {
  let payload = String(1 + randomInt(9));
  // Two draws of 6 digits (randomInt takes ranges below 2^48).
  for (let i = 1; i < PAYLOAD_DIGITS; i += 6) payload += String(randomInt(10 ** 6)).padStart(6, "0");
  payload = payload.slice(0, PAYLOAD_DIGITS);
  return payload + luhnCheckDigit(payload);
}
