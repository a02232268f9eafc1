// The practice fields of the setup page and the settings page: read from a form, checked with
// messages for people (the API checks again and has the last word).

export const timezones: string[] = Intl.supportedValuesOf("timeZone");

export interface PracticeValues {
  name: string;
  slug: string;
  timezone: string;
}

/** A practice's address in links, from its name: "Bright Smiles Ortho" → "bright-smiles-ortho". */
export function slugFrom(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}

export function checkPractice(values: PracticeValues): Partial<Record<keyof PracticeValues, string>> {
  const errors: Partial<Record<keyof PracticeValues, string>> = {};
  if (!values.name.trim()) errors.name = "Enter the practice's name as patients know it.";
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(values.slug)) errors.slug = "Use 2 to 63 lowercase letters, digits and dashes, like bright-smiles.";
  if (!timezones.includes(values.timezone) && values.timezone !== "UTC") errors.timezone = "Choose the practice's time zone from the list.";
  return errors;
}
