// The COPY import's reader for plain CSV files (no quote character anywhere, the common export):
// one pass in Node splits each line at commas, checks it exactly as the csv-parse path does (same
// rules, same messages, same line numbers: blank lines skipped but counted, the header is line 1)
// and groups consecutive rows of one invoice; then the JSON endpoint's checks per invoice (zod
// only for an invoice a cheap check doubts) and the member ids. A file with a quote anywhere
// returns null: it needs a real CSV parser (the COPY staging in SQL, or csv-parse).

import type { Readable } from "node:stream";
import { linesSignature } from "@tally/rules";
import type { Ctx } from "../context.ts";
import { resolveByPmsIds } from "../members/merge-members.ts";
import { checkInvoiceRow, columnName } from "./csv-rows.ts";
import { invoiceRow } from "./import-invoices.ts";
import { dateOnlyPlaceholder } from "./invoice-time.ts";

export interface PlainInvoice {
  /** Line number of the invoice's first row. */
  row: number;
  memberId: string;
  invoiceId: string;
  status: "paid" | "voided";
  /** ISO instant (a date-only row's placeholder until `timeDateOnly`). */
  at: string;
  dateOnly: boolean;
  lines: { code: string; amount: string }[];
}

export interface PlainRead {
  rows: number;
  invoices: number;
  /** Invoices without errors, a known member, first of their id and status in the file. */
  valid: PlainInvoice[];
  /** Invoices without errors that repeat an earlier one (skipped, as the JSON endpoint does). */
  repeats: number;
  errorCount: number;
  /** Row errors by line number (all of them, sorted). */
  errors: { row: number; message: string }[];
}

/** Larger files take the csv-parse path, which holds one chunk of invoices at a time. */
export const MAX_COPY_INVOICES = 2_000_000;

/** A field as csv-parse gives it with `trim`: "" when the column or the field is missing. */
function field(f: string[], k: number): string {
  if (k < 0) return "";
  const v = f[k];
  if (v === undefined || v === "") return "";
  return v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32 ? v.trim() : v;
}

interface Group {
  row: number;
  m: string;
  i: string;
  d: string;
  s: string;
  lines: { code: string; amount: string }[];
  bad: boolean;
}

export async function readPlainCsv(ctx: Ctx, open: () => Readable): Promise<PlainRead | null> {
  let col: Record<string, number> | null = null;
  let lineNo = 0;
  let rows = 0;
  let partial = "";
  let odd = false;
  let idx = { member: -1, invoice: -1, date: -1, status: -1, code: -1, amount: -1 };
  const groups: Group[] = [];
  let current: Group | undefined;
  let currentKey = "";
  const errors: { row: number; message: string }[] = [];

  const record = (raw: string) => {
    lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (col === null) {
      if (line === "") {
        odd = true; // a blank line before the header: left to csv-parse
        return;
      }
      const names = line.split(",").map(columnName);
      col = {};
      names.forEach((n, k) => {
        col![n] = k; // a repeated name: the last one wins, as with csv-parse's columns
      });
      const k = (name: string) => col![name] ?? -1;
      idx = {
        member: k("member_id"),
        invoice: k("invoice_id"),
        date: k("date"),
        status: k("status"),
        code: k("code"),
        amount: k("amount"),
      };
      return;
    }
    if (line === "") return; // csv-parse skips empty lines (their numbers still count)
    rows++;
    const f = line.split(",");
    const { problems, row, key } = checkInvoiceRow({
      member_id: field(f, idx.member),
      invoice_id: field(f, idx.invoice),
      date: field(f, idx.date),
      status: field(f, idx.status),
      code: field(f, idx.code),
      amount: field(f, idx.amount),
    });
    if (!current || key !== currentKey) {
      current = {
        row: lineNo,
        m: field(f, idx.member),
        i: field(f, idx.invoice),
        d: field(f, idx.date),
        s: key.slice(key.lastIndexOf("|") + 1),
        lines: [],
        bad: false,
      };
      currentKey = key;
      groups.push(current);
    }
    if (!row) {
      current.bad = true;
      errors.push({ row: lineNo, message: problems.join("; ") });
    } else if (row.status === "paid") current.lines.push({ code: row.code, amount: row.amount });
  };

  for await (const chunk of open()) {
    const text = partial + (typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8"));
    if (text.includes('"')) return null;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      record(text.slice(start, nl));
      start = nl + 1;
    }
    partial = text.slice(start);
    if (groups.length > MAX_COPY_INVOICES) return null;
  }
  if (partial !== "") record(partial);
  if (col === null || odd || rows === 0) return null;

  // The JSON endpoint's checks, per invoice: the exact zod messages when a cheap check doubts it.
  const atOf = new Map<string, string | null>();
  const at = (d: string) => {
    let v = atOf.get(d);
    if (v === undefined) {
      const ok = invoiceRow.shape.date.safeParse(d).success;
      v = ok ? (d.length === 10 ? dateOnlyPlaceholder(d) : new Date(d).toISOString()) : null;
      atOf.set(d, v);
    }
    return v;
  };
  const checked: (Group & { at: string })[] = [];
  for (const g of groups) {
    if (g.bad) continue;
    const when = at(g.d);
    const plain =
      when !== null && g.m.length <= 200 && g.i.length <= 200 && g.lines.length <= 1000 && g.lines.every((l) => l.code.length <= 64);
    if (!plain) {
      const r = invoiceRow.safeParse({ externalMemberId: g.m, invoiceId: g.i, date: g.d, status: g.s, lines: g.lines });
      if (!r.success) {
        errors.push({ row: g.row, message: r.error.issues.map((x) => `${x.path.join(".") || "row"}: ${x.message}`).join("; ") });
        continue;
      }
    }
    checked.push({ ...g, at: when! });
  }

  // Member ids: one query for all of them; only members (not leads or merged records) earn.
  const ids = [...new Set(checked.map((g) => g.m))];
  // A PMS id of a record merged into another leads to the survivor.
  const memberOf = new Map<string, string>();
  for (const [pmsId, m] of await resolveByPmsIds(ctx.db, ctx, ids)) if (m.status === "member") memberOf.set(pmsId, m.id);
  const valid: PlainInvoice[] = [];
  const seen = new Set<string>();
  let repeats = 0;
  for (const g of checked) {
    const memberId = memberOf.get(g.m);
    if (!memberId) {
      errors.push({ row: g.row, message: `unknown member ${g.m}` });
      continue;
    }
    // A repeat with the same lines is skipped here; with other lines it is a revision (the pipeline's).
    const ext = `${g.i}\u0000${g.s}\u0000${g.s === "paid" ? linesSignature(g.lines) : ""}`;
    if (seen.has(ext)) {
      repeats++;
      continue;
    }
    seen.add(ext);
    valid.push({
      row: g.row,
      memberId,
      invoiceId: g.i,
      status: g.s as PlainInvoice["status"],
      at: g.at,
      dateOnly: g.d.length === 10,
      lines: g.lines,
    });
  }
  errors.sort((a, b) => a.row - b.row);
  return { rows, invoices: groups.length, valid, repeats, errorCount: errors.length, errors };
}
