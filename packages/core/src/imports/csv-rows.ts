// The invoice CSV's row rules, once: every reader (the plain reader in plain-csv.ts, the csv-parse
// reader of the upload endpoint) checks each row with `checkInvoiceRow` and reports its messages
// with the row's line number; rows of one invoice are consecutive and grouped by `invoiceKey`.
//
// Expected columns (header row, any order, case-insensitive):
//   member_id   the practice-management id of the member (members.external_id)
//   invoice_id  the invoice; its lines are consecutive rows
//   date        YYYY-MM-DD or an ISO instant
//   status      paid (default) | voided | refunded (a refund voids the invoice)
//   code        billing code of the line (paid invoices)
//   amount      line amount in dollars, e.g. 125.00 ("$" and "," are ignored)

export const CSV_COLUMNS = ["member_id", "invoice_id", "date", "status", "code", "amount"] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A row's fields as a CSV parser with `trim` gives them ("" for a missing column or field). */
export type CsvFields = Record<CsvColumn, string>;

export interface CheckedRow {
  memberId: string;
  invoiceId: string;
  date: string;
  status: "paid" | "voided";
  code: string;
  /** Without "$" or ",". */
  amount: string;
}

const money = /^-?\d+(\.\d{1,2})?$/;
const dateLike = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/;

/** The header's names as the readers match them. */
export const columnName = (raw: string) =>
  raw
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase();

/** The rules, in the order their messages are listed; `key` is the invoice the row belongs to. */
export const CSV_ROW_RULES: { name: string; broken: (f: CsvFields, status: string) => string | null }[] = [
  { name: "member", broken: (f) => (f.member_id ? null : "member_id is missing") },
  { name: "invoice", broken: (f) => (f.invoice_id ? null : "invoice_id is missing") },
  { name: "date", broken: (f) => (dateLike.test(f.date) ? null : "date must be YYYY-MM-DD") },
  {
    name: "status",
    broken: (f, status) =>
      status === "paid" || status === "voided"
        ? null
        : `status must be paid, voided or refunded (got "${(f.status || "paid").toLowerCase()}")`,
  },
  { name: "code", broken: (f, status) => (status !== "paid" || f.code ? null : "code is missing") },
  {
    name: "amount",
    broken: (f, status) =>
      status !== "paid" || money.test(f.amount.replace(/[$,]/g, ""))
        ? null
        : `amount must be a dollar amount like 125.00 (got "${f.amount}")`,
  },
];

/** The row's status as the importer reads it: paid by default, a refund voids. */
export function statusOf(f: CsvFields): string {
  const raw = (f.status || "paid").toLowerCase();
  return raw === "refunded" ? "voided" : raw;
}

/** Checks one row: its problems (joined with "; " in reports), and the clean row when there are none. */
export function checkInvoiceRow(f: CsvFields): { problems: string[]; row: CheckedRow | null; key: string } {
  const status = statusOf(f);
  const problems: string[] = [];
  for (const rule of CSV_ROW_RULES) {
    const message = rule.broken(f, status);
    if (message) problems.push(message);
  }
  const key = `${f.member_id}|${f.invoice_id}|${status}`;
  if (problems.length > 0) return { problems, row: null, key };
  return {
    problems,
    key,
    row: {
      memberId: f.member_id,
      invoiceId: f.invoice_id,
      date: f.date,
      status: status as CheckedRow["status"],
      code: f.code,
      amount: f.amount.includes("$") || f.amount.includes(",") ? f.amount.replace(/[$,]/g, "") : f.amount,
    },
  };
}
