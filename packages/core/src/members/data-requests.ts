// Patient data requests (docs/compliance.md): everything Tally holds about one member (export, as
// JSON or CSV files), and erasure. Erasing anonymises the member's personal fields, strips personal
// data from the payloads of their events (keeping the amounts and dates totals need), deletes their
// messages and sign-in tokens, and scrubs their name and contact details from every row that names
// them; ledger entries stay, so balances and report totals do not change.
//
// The tables are found from the database's catalog (every table with `practice_id` and a column
// naming a member), so a table added later is exported and scrubbed without a change here.
import { members, type Tx } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { query } from "../sql.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { findMember, type MemberRow } from "./shared.ts";

/** Columns that name a member, besides `member_id`. */
const memberColumns = ["member_id", "referrer_id", "referred_member_id", "merged_into_id"];
/** Rows deleted on erasure: messages to the member, their sign-in and check-in tokens, invitations. */
const deletedOnErasure = ["messages", "sessions", "check_in_codes", "invitations", "message_opt_outs"];
/** Tables whose rows are the books: never rewritten (the ledger is append-only; amounts only). */
const kept = ["ledger_entries", "member_balances", "ledger_daily", "ledger_days", "activity_days"];

interface MemberTable {
  table: string;
  keys: string[];
  /** text and jsonb columns, with their type */
  columns: { name: string; type: "text" | "jsonb" }[];
  /** bigint columns (points, balances, counts): PostgreSQL's driver reads them as text */
  bigints: string[];
}

async function memberTables(db: Tx | Ctx["db"]): Promise<MemberTable[]> {
  const rows = await query<{ table_name: string; column_name: string; data_type: string }>(
    db,
    sql`select c.table_name, c.column_name, c.data_type from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = current_schema()
        order by c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, { names: string[]; columns: MemberTable["columns"]; bigints: string[] }>();
  for (const r of rows) {
    const t = byTable.get(r.table_name) ?? { names: [], columns: [], bigints: [] };
    t.names.push(r.column_name);
    if (r.data_type === "bigint") t.bigints.push(r.column_name);
    if (r.data_type === "text" || r.data_type === "character varying") t.columns.push({ name: r.column_name, type: "text" });
    else if (r.data_type === "jsonb" || r.data_type === "json") t.columns.push({ name: r.column_name, type: "jsonb" });
    byTable.set(r.table_name, t);
  }
  const out: MemberTable[] = [];
  for (const [table, t] of byTable) {
    if (table === "members" || !t.names.includes("practice_id")) continue;
    const keys = memberColumns.filter((k) => t.names.includes(k));
    if (keys.length > 0) out.push({ table, keys, columns: t.columns, bigints: t.bigints });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table));
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

function whereMember(t: MemberTable, practiceId: string, memberId: string) {
  const any = sql.join(
    t.keys.map((k) => sql`${ident(k)} = ${memberId}::uuid`),
    sql` or `,
  );
  return sql`practice_id = ${practiceId}::uuid and (${any})`;
}

/** Audit rows about the member: targeting them, or naming them in their details. */
const auditWhere = (practiceId: string, memberId: string) =>
  sql`practice_id = ${practiceId}::uuid and (target_id = ${memberId} or details::text like ${`%${memberId}%`})`;

export const exportMemberDataInput = z.object({ memberId: z.uuid(), format: z.enum(["json", "csv"]).default("json") });

export interface MemberDataExport {
  exportedAt: string;
  member: Record<string, unknown>;
  /** Every other table's rows naming the member, by table name (empty tables left out). */
  tables: Record<string, Record<string, unknown>[]>;
}

/** Everything about one member: JSON (one document) or CSV (one file per table, by file name). */
export async function exportMemberData({ ctx, input }: { ctx: Ctx; input: Input<typeof exportMemberDataInput> }) {
  authorize(ctx, "members.exportData");
  const data = parseInput(exportMemberDataInput, input);
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId);
    const doc = await collect(tx, ctx.practiceId, member);
    await audit(tx, ctx, { action: "members.exportData", targetType: "member", targetId: member.id, details: { format: data.format } });
    if (data.format === "json") return { format: "json" as const, data: doc };
    const files: Record<string, string> = { "member.csv": toCsv([doc.member]) };
    for (const [table, rows] of Object.entries(doc.tables)) files[`${table}.csv`] = toCsv(rows);
    return { format: "csv" as const, files };
  });
}

async function collect(tx: Tx, practiceId: string, member: MemberRow): Promise<MemberDataExport> {
  const { passwordHash: _hidden, ...profile } = member;
  const tables: MemberDataExport["tables"] = {};
  for (const t of await memberTables(tx)) {
    if (t.table === "sessions" || t.table === "check_in_codes" || t.table === "audit_log") continue;
    const rows = await query<Record<string, unknown>>(
      tx,
      sql`select * from ${ident(t.table)} where ${whereMember(t, practiceId, member.id)}`,
    );
    if (rows.length > 0) tables[t.table] = rows.map((row) => withoutSecrets(withNumbers(row, t.bigints)));
  }
  const auditRows = await query<Record<string, unknown>>(
    tx,
    sql`select * from audit_log where ${auditWhere(practiceId, member.id)} order by at`,
  );
  if (auditRows.length > 0) tables.audit_log = auditRows;
  return { exportedAt: new Date().toISOString(), member: profile, tables };
}

/** bigint columns as numbers on every engine (points are integers well inside the safe range). */
function withNumbers(row: Record<string, unknown>, bigints: string[]): Record<string, unknown> {
  const out = { ...row };
  for (const column of bigints) {
    const value = out[column];
    if (value === null || value === undefined || typeof value === "number") continue;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`${column} ${String(value)} is not a safe integer`);
    out[column] = n;
  }
  return out;
}

const withoutSecrets = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).filter(([k]) => !/(^|_)(hash|token|secret)(_|$)/.test(k)));

/** RFC 4180 CSV: a header of every key, JSON for objects, quotes where needed. */
export function toCsv(rows: Record<string, unknown>[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const s =
      v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[keys.join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))].join("\r\n")}\r\n`;
}

export const eraseMemberInput = z.object({
  memberId: z.uuid(),
  /** The member's last name typed again: erasure cannot be undone. */
  confirmLastName: z.string().trim().min(1),
});

export const ERASED = "[erased]";

/** Anonymises a member on request; their ledger (and so every balance and total) is kept. */
export async function eraseMember({ ctx, input }: { ctx: Ctx; input: Input<typeof eraseMemberInput> }) {
  authorize(ctx, "members.erase");
  const data = parseInput(eraseMemberInput, input);
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId, { lock: true });
    if (member.erasedAt) return { memberId: member.id, erasedAt: member.erasedAt };
    if (data.confirmLastName.toLowerCase() !== member.lastName.trim().toLowerCase())
      throw new DomainError("INVALID_INPUT", "Type the member's last name to confirm the erasure.");
    const erasedAt = await eraseIn(tx, ctx, member);
    return { memberId: member.id, erasedAt };
  });
}

async function eraseIn(tx: Tx, ctx: Ctx, member: MemberRow): Promise<Date> {
  const P = ctx.practiceId;
  const personal = personalStrings(member);
  const scrub = scrubber(personal);
  for (const t of await memberTables(tx)) {
    if (kept.includes(t.table)) continue;
    if (deletedOnErasure.includes(t.table)) {
      await tx.execute(sql`delete from ${ident(t.table)} where ${whereMember(t, P, member.id)}`);
      continue;
    }
    if (t.columns.length === 0) continue;
    await rewriteRows(tx, t.table, t.columns, whereMember(t, P, member.id), (column, value) =>
      t.table === "events" && column === "payload" ? scrub(stripPayload(value)) : scrub(value),
    );
  }
  // Messages and suppressions by address (a lead's confirmation before it was a member).
  for (const address of [member.email, member.phone].filter((a): a is string => !!a)) {
    await tx.execute(sql`delete from messages where practice_id = ${P}::uuid and "to" = ${address}`);
  }
  // The ledger is append-only (a database trigger refuses any UPDATE): its entries stay as they
  // are, amounts, rules and dates; they hold no name or contact detail.
  await rewriteRows(tx, "audit_log", [{ name: "details", type: "jsonb" }], auditWhere(P, member.id), (_c, v) => scrub(v));
  const now = new Date();
  await tx
    .update(members)
    .set({
      firstName: "Erased",
      lastName: "member",
      email: null,
      phone: null,
      birthday: null,
      cardNumber: null,
      externalId: null,
      passwordHash: null,
      leadNote: null,
      referralToken: null,
      tags: [],
      erasedAt: now,
      updatedAt: now,
    })
    .where(and(eq(members.id, member.id), eq(members.practiceId, P)));
  await audit(tx, ctx, { action: "members.erase", targetType: "member", targetId: member.id, details: {} });
  return now;
}

/** The member's personal values as they may appear in text (names, contact details, identifiers). */
function personalStrings(m: MemberRow): string[] {
  const first = m.firstName.trim();
  const last = m.lastName.trim();
  const values = [
    `${first} ${last}`,
    m.email,
    m.phone,
    m.cardNumber,
    m.externalId,
    m.birthday,
    last.length >= 2 ? last : null,
    first.length >= 2 ? first : null,
  ];
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v.trim().length >= 2))].sort((a, b) => b.length - a.length);
}

function scrubber(personal: string[]) {
  const pattern = personal.length === 0 ? null : new RegExp(personal.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return pattern ? v.replace(pattern, ERASED) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk;
}

/** An event payload (or a ledger explanation) without what it says about the person: invoice line
 *  codes (procedure codes), free-text answers and notes. Amounts and dates stay. */
export function stripPayload(value: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const p = { ...(value as Record<string, unknown>) };
  const invoice = p.invoice as { lines?: { amount: unknown }[] } | undefined;
  if (invoice?.lines) p.invoice = { ...invoice, lines: invoice.lines.map((l) => ({ code: ERASED, amount: l.amount })) };
  if (p.action && typeof p.action === "object") {
    const { response: _r, ...action } = p.action as Record<string, unknown>;
    p.action = action;
  }
  if (p.adjustment && typeof p.adjustment === "object") {
    const { note: _n, ...adjustment } = p.adjustment as Record<string, unknown>;
    p.adjustment = adjustment;
  }
  if ("response" in p) delete p.response;
  if ("note" in p) delete p.note;
  return p;
}

/** Reads the matching rows' text/jsonb columns, transforms each value, writes back what changed. */
async function rewriteRows(
  tx: Tx,
  table: string,
  columns: MemberTable["columns"],
  where: ReturnType<typeof sql>,
  transform: (column: string, value: unknown) => unknown,
) {
  const cols = sql.join(
    columns.map((c) => sql`${ident(c.name)}`),
    sql`, `,
  );
  const rows = await query<Record<string, unknown>>(tx, sql`select ctid::text as row_ref, ${cols} from ${ident(table)} where ${where}`);
  for (const row of rows) {
    const sets = [];
    for (const c of columns) {
      const before = c.type === "jsonb" && typeof row[c.name] === "string" ? JSON.parse(row[c.name] as string) : row[c.name];
      if (before === null || before === undefined) continue;
      const after = transform(c.name, before);
      if (JSON.stringify(after) === JSON.stringify(before)) continue;
      sets.push(
        c.type === "jsonb" ? sql`${ident(c.name)} = ${JSON.stringify(after)}::jsonb` : sql`${ident(c.name)} = ${after as string | null}`,
      );
    }
    if (sets.length > 0) await tx.execute(sql`update ${ident(table)} set ${sql.join(sets, sql`, `)} where ctid = ${row.row_ref}::tid`);
  }
}
