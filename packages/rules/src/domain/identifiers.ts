// Phone and rewards-card numbers as stored and searched: the one normaliser for member create,
// update and search, kiosk and portal identification and imports.

/**
 * Phones are stored as their digits so a search by a few digits matches however they were typed.
 * A North American number written with its country code ("+1 (312) 555-0100", "1-312-555-0100")
 * keeps only its 10 national digits.
 */
export function normalizePhone(raw: string): string {
  const digits = raw.replace(/\D/g, "");
  return digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
}

/** A phone a person can be identified by: 10 digits once normalised. */
export const isFullPhone = (raw: string) => /^\d{10}$/.test(normalizePhone(raw));

export const CARD_DIGITS = { min: 4, max: 32 } as const;

/**
 * Card swipers and barcode scanners type sentinels around the number: track 1
 * `%B<digits>^NAME^...?`, track 2 `;<digits>=...?`; people type groups with spaces or dashes.
 * Returns the account number as digits, or null when it is not a card number.
 */
export function normalizeCardNumber(raw: string): string | null {
  let s = raw.trim();
  if (s.startsWith("%")) s = /^%B?([^^?]*)/.exec(s)?.[1] ?? "";
  else if (s.startsWith(";")) s = /^;([^=?]*)/.exec(s)?.[1] ?? "";
  const digits = s.replace(/\D/g, "");
  return digits.length >= CARD_DIGITS.min && digits.length <= CARD_DIGITS.max ? digits : null;
}

/**
 * Cards Tally issues: 12 random digits and a Luhn check digit (`newCardNumber` in core). A number
 * of this length whose check digit is wrong is a typo or a guess and is refused before any lookup;
 * numbers of other lengths (cards issued before, or a practice's own printed cards) are looked up as
 * they are, so existing cards keep working.
 */
export const ISSUED_CARD_DIGITS = 13;

/** The Luhn check digit for a string of digits (the digit to append). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right, every second digit of the payload (starting with the last) is doubled.
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether digits (payload and check digit) pass the Luhn check. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** A normalised card number that cannot be a card Tally issued: the issued length with a wrong check digit. */
export const failsCardCheck = (card: string) => card.length === ISSUED_CARD_DIGITS && !isLuhnValid(card);
