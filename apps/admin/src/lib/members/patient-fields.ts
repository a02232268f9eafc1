// The fields of a patient import as the mapping screen shows them (the rules are core's; the
// names are checked against the API's mapping type).
import type { ApiInputs } from "@tally/api/client";

export type PatientMapping = Required<{ [K in keyof ApiInputs["patientImports"]["dryRun"]["mapping"]]: string | null }>;
export type PatientField = keyof PatientMapping;

export const patientFields: { field: PatientField; label: string; required?: boolean; hint: string }[] = [
  {
    field: "pmsId",
    label: "PMS id",
    required: true,
    hint: "The patient's id in your practice-management system; re-imports update by it.",
  },
  { field: "firstName", label: "First name", required: true, hint: "" },
  { field: "lastName", label: "Last name", required: true, hint: "" },
  { field: "email", label: "Email", hint: "" },
  { field: "phone", label: "Phone", hint: "Any format; stored as digits." },
  { field: "birthDate", label: "Birth date", hint: "YYYY-MM-DD or MM/DD/YYYY." },
  { field: "cardNumber", label: "Card number", hint: "The rewards card, if patients have one." },
  { field: "tags", label: "Tags", hint: "Separated by ; or , — added to the member's tags." },
];

export function mappingFrom(form: FormData): PatientMapping {
  return Object.fromEntries(patientFields.map(({ field }) => [field, String(form.get(`map.${field}`) ?? "") || null])) as PatientMapping;
}
