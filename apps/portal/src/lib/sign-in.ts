// Validation of the two member sign-in forms (email + password, or card number + date of birth),
// kept out of the routes so it can be unit tested.

export type Errors<K extends string> = Partial<Record<K, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseEmailSignIn(form: FormData) {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const errors: Errors<"email" | "password"> = {};
  if (!email) errors.email = "Enter the email address you registered with.";
  else if (!EMAIL.test(email)) errors.email = "Enter an email address like name@example.com.";
  if (!password) errors.password = "Enter your password.";
  return { values: { email }, errors, password };
}

/** Card numbers are printed in groups; people type them with spaces or dashes. */
export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, "");
}

/** A real calendar date (YYYY-MM-DD, as date inputs send it) between 1900 and today. */
export function isValidBirthDate(value: string, today: Date): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2025-02-30 over into March; a real date survives the round trip.
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 1900 && value <= today.toISOString().slice(0, 10);
}

export function parseCardSignIn(form: FormData, today = new Date()) {
  const cardNumber = normalizeCardNumber(String(form.get("cardNumber") ?? ""));
  const birthDate = String(form.get("birthDate") ?? "").trim();
  const errors: Errors<"cardNumber" | "birthDate"> = {};
  if (!cardNumber) errors.cardNumber = "Enter the number on your rewards card.";
  else if (!/^\d{6,20}$/.test(cardNumber)) errors.cardNumber = "A card number has 6 to 20 digits.";
  if (!birthDate) errors.birthDate = "Enter your date of birth.";
  else if (!isValidBirthDate(birthDate, today)) errors.birthDate = "Enter a real date of birth, like 05/14/2012.";
  return { values: { cardNumber, birthDate }, errors };
}
