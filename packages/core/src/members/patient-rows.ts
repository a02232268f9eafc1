// The patient import's rows, once: the fields a practice-management export brings, the header
// names each field is guessed from, a CSV reader that numbers rows by their line in the file (the
// header is line 1; quoted fields may span lines), and the one row-rule table that checks and
// normalises a row. The CSV upload and the integration API's upsert (PUT /api/v1/members/{pmsId})
// both check their rows here, so their messages are the same.
import { normalizeCardNumber, normalizePhone } from "@tally/rules";
import { z } from "zod";
import { DomainError } from "../errors.ts";

export const PATIENT_FIELDS = ["pmsId", "firstName", "lastName", "email", "phone", "birthDate", "cardNumber", "tags"] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** What people read for each field (the mapping screen, messages). */
export const PATIENT_FIELD_LABELS: Record<PatientField, string> = {
  pmsId: "PMS id",
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  phone: "Phone",
  birthDate: "Birth date",
  cardNumber: "Card number",
  tags: "Tags",
};

/** Fields a row cannot do without: the mapping must name a column for each. */
export const REQUIRED_PATIENT_FIELDS: readonly PatientField[] = ["pmsId", "firstName", "lastName"];

/** Field → the file's column (its header as written), or null when the file has none. */
export type PatientMapping = Record<PatientField, string | null>;

/** A row's raw values by field ("" when missing). */
export type RawPatient = Record<PatientField, string>;

export interface CheckedPatient {
  pmsId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  /** Digits (the shared normaliser). */
  phone: string | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  /** Digits (the shared normaliser). */
  cardNumber: string | null;
  tags: string[];
}

// Header names seen in practice-management exports (Dentrix, Eaglesoft, Open Dental, vet systems),
// compared without case, spaces or punctuation.
const HEADER_NAMES: Record<PatientField, string[]> = {
  pmsId: [
    "pmsid",
    "patientid",
    "patid",
    "patnum",
    "patientnumber",
    "patientno",
    "chart",
    "chartnumber",
    "chartno",
    "accountnumber",
    "account",
    "externalid",
    "memberid",
    "clientid",
    "id",
  ],
  firstName: ["firstname", "first", "fname", "givenname", "forename", "patientfirstname"],
  lastName: ["lastname", "last", "lname", "surname", "familyname", "patientlastname"],
  email: ["email", "emailaddress", "mail", "patientemail"],
  phone: ["phone", "mobile", "mobilephone", "cell", "cellphone", "phonenumber", "wireless", "wirelessphone", "homephone", "telephone"],
  birthDate: ["birthdate", "dateofbirth", "dob", "birthday", "bday", "born"],
  cardNumber: ["cardnumber", "card", "rewardscard", "loyaltycard", "cardno"],
  tags: ["tags", "tag", "labels", "groups", "categories"],
};

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, "");

/** The mapping guessed from the header: for each field the first column whose name it knows. */
export function guessPatientMapping(headers: readonly string[]): PatientMapping {
  const squashed = headers.map(squash);
  const taken = new Set<number>();
  const mapping = {} as PatientMapping;
  for (const field of PATIENT_FIELDS) {
    let found: number | null = null;
    for (const name of HEADER_NAMES[field]) {
      const i = squashed.findIndex((h, k) => h === name && !taken.has(k));
      if (i >= 0) {
        found = i;
        break;
      }
    }
    if (found !== null) taken.add(found);
    mapping[field] = found === null ? null : headers[found]!;
  }
  return mapping;
}

/** Checks a mapping against the file's header: required fields named, every column exists. */
export function checkPatientMapping(headers: readonly string[], mapping: Partial<PatientMapping>): PatientMapping {
  const out = {} as PatientMapping;
  const problems: string[] = [];
  for (const field of PATIENT_FIELDS) {
    const column = mapping[field] || null;
    if (column !== null && !headers.includes(column)) problems.push(`${PATIENT_FIELD_LABELS[field]}: the file has no column “${column}”.`);
    if (column === null && REQUIRED_PATIENT_FIELDS.includes(field))
      problems.push(`${PATIENT_FIELD_LABELS[field]}: choose the column that holds it.`);
    out[field] = column;
  }
  if (problems.length > 0) throw new DomainError("INVALID_INPUT", problems.join(" "), { problems });
  return out;
}

export interface CsvRecord {
  /** Line of the file the record starts on (the header is line 1). */
  line: number;
  cells: string[];
}

/**
 * RFC 4180 CSV: commas, double quotes ("" inside quotes), CR LF or LF, quoted fields across lines,
 * a UTF-8 byte order mark. Blank lines are skipped but counted. `limit` stops after that many data
 * records (the preview).
 */
export function readCsv(text: string, limit = Number.POSITIVE_INFINITY): { headers: string[]; records: CsvRecord[] } {
  const records: CsvRecord[] = [];
  let headers: string[] | null = null;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n && (headers === null || records.length < limit)) {
    const start = line;
    const cells: string[] = [];
    let cell = "";
    let quoted = false;
    let end = false;
    while (!end) {
      if (i >= n) {
        if (quoted) throw new DomainError("INVALID_INPUT", `A quote opened on line ${start} is never closed: the file is not valid CSV.`);
        end = true;
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === "\n") line++;
          cell += c;
          i++;
        }
      } else if (c === '"' && cell === "") {
        quoted = true;
        i++;
      } else if (c === ",") {
        cells.push(cell);
        cell = "";
        i++;
      } else if (c === "\n" || c === "\r") {
        i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        end = true;
      } else {
        cell += c;
        i++;
      }
    }
    cells.push(cell);
    if (cells.length === 1 && cells[0] === "") continue; // a blank line
    const trimmed = cells.map((c) => c.trim());
    if (headers === null) headers = trimmed;
    else records.push({ line: start, cells: trimmed });
  }
  if (headers === null || headers.every((h) => h === ""))
    throw new DomainError("INVALID_INPUT", "The file is empty: it needs a header row.");
  return { headers, records };
}

/** A record's values by field under a mapping. */
export function rawPatient(headers: readonly string[], mapping: PatientMapping, cells: readonly string[]): RawPatient {
  const raw = {} as RawPatient;
  for (const field of PATIENT_FIELDS) {
    const column = mapping[field];
    const k = column === null ? -1 : headers.indexOf(column);
    raw[field] = k < 0 ? "" : (cells[k] ?? "");
  }
  return raw;
}

const email = z.email();
const hasNul = (s: string) => s.includes("\u0000");

/** A calendar date from YYYY-MM-DD or M/D/YYYY (US exports); null when it is not a real date. */
export function birthDateOf(raw: string): string | null {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(raw);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

type Rule = { field: PatientField; read: (raw: string, today: string) => { value: unknown } | { problem: string } };

/**
 * The row rules, in the order their messages are listed. Each reads one field: its value as
 * stored, or the problem with it. Empty optional fields are null (an update then keeps what the
 * member has).
 */
export const PATIENT_ROW_RULES: readonly Rule[] = [
  {
    field: "pmsId",
    read: (s) =>
      s === "" ? { problem: "PMS id is missing" } : s.length > 200 || hasNul(s) ? { problem: "PMS id is not a valid id" } : { value: s },
  },
  {
    field: "firstName",
    read: (s) =>
      s === "" ? { problem: "first name is missing" } : s.length > 100 || hasNul(s) ? { problem: "first name is too long" } : { value: s },
  },
  {
    field: "lastName",
    read: (s) =>
      s === "" ? { problem: "last name is missing" } : s.length > 100 || hasNul(s) ? { problem: "last name is too long" } : { value: s },
  },
  {
    field: "email",
    read: (s) =>
      s === ""
        ? { value: null }
        : s.length <= 320 && email.safeParse(s).success
          ? { value: s.toLowerCase() }
          : { problem: `email “${s.slice(0, 80)}” is not an email address` },
  },
  {
    field: "phone",
    read: (s) => {
      if (s === "") return { value: null };
      const digits = normalizePhone(s);
      return digits.length >= 7 && digits.length <= 15 && !/[a-z]/i.test(s.replace(/\s*(x|ext\.?)\s*\d+$/i, ""))
        ? { value: digits }
        : { problem: `phone “${s.slice(0, 40)}” is not a phone number` };
    },
  },
  {
    field: "birthDate",
    read: (s, today) => {
      if (s === "") return { value: null };
      const date = birthDateOf(s);
      if (!date) return { problem: `birth date “${s.slice(0, 40)}” is not a date on the calendar (use YYYY-MM-DD or MM/DD/YYYY)` };
      if (date > today || date < "1900-01-01") return { problem: `birth date ${date} is not a possible birth date` };
      return { value: date };
    },
  },
  {
    field: "cardNumber",
    read: (s) => {
      if (s === "") return { value: null };
      const card = normalizeCardNumber(s);
      return card === null ? { problem: `card number “${s.slice(0, 40)}” is not a rewards card number (4 to 32 digits)` } : { value: card };
    },
  },
  {
    field: "tags",
    read: (s) => {
      const tags = [
        ...new Set(
          s
            .split(/[;,|]/)
            .map((t) => t.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      if (tags.length > 50 || tags.some((t) => t.length > 50 || hasNul(t))) return { problem: "tags: at most 50 tags of 50 characters" };
      return { value: tags };
    },
  },
];

/** Checks one row with the rule table: its problems (joined with "; " in reports), or the clean row. */
export function checkPatientRow(
  raw: RawPatient,
  today = new Date().toISOString().slice(0, 10),
): { problems: string[]; patient: CheckedPatient | null } {
  const problems: string[] = [];
  const patient = {} as Record<PatientField, unknown>;
  for (const rule of PATIENT_ROW_RULES) {
    const r = rule.read(raw[rule.field].trim(), today);
    if ("problem" in r) problems.push(r.problem);
    else patient[rule.field] = r.value;
  }
  return problems.length > 0 ? { problems, patient: null } : { problems, patient: patient as unknown as CheckedPatient };
}
