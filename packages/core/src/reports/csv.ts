// CSV for spreadsheets: a cell that starts like a formula (=, +, -, @, tab, carriage return) gets
// a leading apostrophe, so a name such as `=HYPERLINK(...)` typed into the portal is shown as
// text in Excel or Sheets, never run (CSV injection). Plain numbers, even negative, stay numbers.
import { stringify } from "csv-stringify/sync";

const formulaStart = /^[=+\-@\t\r]/;
const plainNumber = /^[-+]?\d+(\.\d+)?$/;

/** One text cell, neutralised when it could be read as a formula. */
export const safeCsvText = (value: string) => (formulaStart.test(value) && !plainNumber.test(value) ? `'${value}` : value);

/** Rows as CSV with a header, every text cell neutralised. */
export function toCsv(records: Record<string, unknown>[]): string {
  return stringify(records, {
    header: true,
    columns: records[0] ? Object.keys(records[0]) : ["empty"],
    cast: { string: safeCsvText },
  });
}
