// The member profile's desk forms, kept apart from the route so they can be unit tested: the
// "Edit details" form read and checked before it goes, and a refused call's message placed next to
// the field it is about (the server names it: a CONFLICT's `field`, a validation issue's path).

export const detailFields = ["firstName", "lastName", "email", "phone", "birthday", "externalId", "cardNumber"] as const;
export type DetailField = (typeof detailFields)[number];
export type DetailValues = Record<DetailField, string>;

export const detailLabels: Record<DetailField, string> = {
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  phone: "Phone",
  birthday: "Birth date",
  externalId: "PMS id",
  cardNumber: "Card number",
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The form's values as typed (trimmed), and what the server will be sent: empty optional fields clear. */
export function readDetails(form: FormData): {
  values: DetailValues;
  errors: Partial<Record<DetailField, string>>;
  input: Record<DetailField, string | null>;
} {
  const values = Object.fromEntries(detailFields.map((f) => [f, String(form.get(f) ?? "").trim()])) as DetailValues;
  const errors: Partial<Record<DetailField, string>> = {};
  if (!values.firstName) errors.firstName = "Enter the first name.";
  if (!values.lastName) errors.lastName = "Enter the last name.";
  if (values.email && !EMAIL.test(values.email)) errors.email = "Enter an email address like name@example.com.";
  const digits = values.phone.replace(/\D/g, "");
  if (values.phone && (digits.length < 7 || digits.length > 15)) errors.phone = "Enter a phone number with its area code.";
  if (values.birthday) {
    const [y, m, d] = values.birthday.split("-").map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (!DATE.test(values.birthday) || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
      errors.birthday = "Enter a real date (YYYY-MM-DD).";
    else if (date.getTime() > Date.now()) errors.birthday = "A birth date cannot be in the future.";
  }
  const input = Object.fromEntries(detailFields.map((f) => [f, values[f] === "" ? null : values[f]])) as Record<DetailField, string | null>;
  return { values, errors, input };
}

interface ErrorData {
  appCode?: string;
  details?: { field?: string; card?: string; issues?: { path: string; message: string }[] } | null;
  zodError?: unknown;
}

/**
 * Where a refused call's message belongs: the field the server named, a validation issue's field
 * (its message without the path), or null for the form as a whole.
 */
export function fieldOfError<F extends string>(
  error: unknown,
  fields: readonly F[],
  message: string,
): { field: F | null; message: string } {
  const data = (error as { data?: ErrorData } | null)?.data;
  const details = data?.details;
  const named = details?.field ?? (details?.card !== undefined ? "cardNumber" : undefined);
  if (named && (fields as readonly string[]).includes(named)) return { field: named as F, message };
  const issue = details?.issues?.find((i) => (fields as readonly string[]).includes(i.path.split(".")[0]!));
  if (issue) return { field: issue.path.split(".")[0] as F, message: message.replace(new RegExp(`^${issue.path}: `), "") };
  const prefixed = fields.find((f) => message.startsWith(`${f}: `));
  if (prefixed) return { field: prefixed, message: message.slice(prefixed.length + 2) };
  return { field: null, message };
}

/** Consent kinds the desk records, as people read them. */
export const consentLabels = { media: "Media (photos and video)", sms: "Text messages (SMS)", email: "Email" } as const;
export type ConsentKind = keyof typeof consentLabels;
