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
