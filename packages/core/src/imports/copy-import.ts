// Invoice CSV import on PostgreSQL (the fast path; on PGlite, and for files it cannot number
// exactly, the API's csv-parse path runs instead). Same rules, row numbers and messages as the
// csv-parse path; `importCsvWithCopy` returns null, having written nothing, when it declines.
//
//  1. Reading. A plain file (no quote character: the usual export) is read, checked and grouped
//     into invoices in Node in one pass (plain-csv.ts); the invoices already recorded, by any
//     path, are found by one anti-join against the events' unique external id
//     (`invoice:<id>:paid|voided`) after a COPY of the keys. A file with quotes streams with
//     `COPY ... FROM STDIN` into a temporary table (`n` = record position, so row numbers are
//     exact) and is checked and grouped set-based in SQL (`stage`).
//  2. Writing, by members: chunks of whole members, each one transaction, two in flight (their
//     members never overlap). Per chunk: lock the members (balances, then engine states, as every
//     writer does), run the rules engine over their new invoices in time order, COPY the event
//     rows (payload and outcome) in increasing id order, book the points as one ledger entry per
//     member, rule and kind for the run (each event's outcome names the entry that carries its
//     points; balances move by exactly what is inserted), and save the engine states, which
//     record every invoice's awards, so a later void reverses exactly what that invoice got.
//     Effects other than awards and reversals (coupons, phases, requests) go through the
//     pipeline's planEffects/storeEffects with their own entries.
//
// Exactly-once: the events' unique index. Another writer recording one of these invoices
// meanwhile fails the chunk's COPY (or deadlocks against the member locks); the chunk is rolled
// back whole and retried without the invoices recorded by then.

import { randomBytes, randomUUID } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { importRuns, memberEngineStates, members, type Tx } from "@tally/db";
import { applyEvent } from "@tally/rules";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { pgCode } from "../events/batch.ts";
import { type Effect, freshMemberState, type MemberState } from "../events/engine.ts";
import { type EffectPlan, type EventOutcome, emptyOutcome, planEffects, storeEffects, toEngineEvent } from "../events/process-event.ts";
import { loadSetup } from "../events/program.ts";
import type { EventInput } from "../events/schemas.ts";
import { appendEntries, lockBalances, type NewEntry } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { jsonRows } from "../sql.ts";
import { audit } from "../verb.ts";
import { MAX_COPY_INVOICES, type PlainRead, readPlainCsv } from "./plain-csv.ts";

export interface CopyImportSummary {
  rows: number;
  invoices: number;
  imported: number;
  skipped: number;
  points: number;
  errorCount: number;
  /** The first 1000 row errors, with the line number in the file (the header is line 1). */
  errors: { row: number; message: string }[];
  runIds: string[];
}

/** The postgres.js client under drizzle (a transaction's own client inside a transaction). */
interface RawSql {
  unsafe(query: string, params?: unknown[]): Promise<Record<string, unknown>[]> & { writable(): Promise<Writable> };
}

function rawClient(db: unknown): RawSql | null {
  const client = (db as { session?: { client?: unknown } }).session?.client as { unsafe?: unknown; begin?: unknown } | undefined;
  return client && typeof client.unsafe === "function" ? (client as unknown as RawSql) : null;
}

/** True when this database can take the COPY path (PostgreSQL through postgres.js). */
export const canCopyImport = (db: Ctx["db"]) => rawClient(db) !== null;

const KNOWN = ["member_id", "invoice_id", "date", "status", "code", "amount"] as const;

/** Splits a header line; null when it needs a real CSV parser (quotes). */
function headerColumns(line: string): string[] | null {
  if (line.includes('"')) return null;
  return line
    .replace(/^\uFEFF/, "")
    .replace(/\r$/, "")
    .split(",")
    .map((c) => c.trim().toLowerCase());
}

/** Thrown inside the transaction to roll it back and let the caller use the csv-parse path. */
class UseCsvParser extends Error {}

const dateLike = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/;
/** An amount that passes the exact check as it stands (no padding, "$" or ","). */
const plainAmount = /^-?\d+(\.\d{1,2})?$/;

const dateField = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** Event ids in increasing order (time-ordered, version 7 layout): index inserts stay at the right edge. */
function idSource() {
  const ts = Date.now().toString(16).padStart(12, "0");
  const r = randomBytes(4).toString("hex");
  const prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r.slice(0, 3)}-${(8 + (Number.parseInt(r[3]!, 16) & 3)).toString(16)}${r.slice(4, 7)}-`;
  let n = Number.parseInt(randomBytes(2).toString("hex"), 16) * 2 ** 24;
  return () => `${prefix}${(n++).toString(16).padStart(12, "0")}`;
}

/** A field of COPY's text format. */
const copyText = (s: string) =>
  /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c]!) : s;

/**
 * `COPY ... FROM STDIN` of the chunks. postgres.js reports an error that arrives after the last
 * chunk (a unique violation found at the end, say) only to the query's reject, never to the
 * stream, which then never finishes: the reject is hooked so that such an error ends the wait.
 */
async function copyIn(pg: RawSql, statement: string, chunks: AsyncIterable<string> | Iterable<string>): Promise<void> {
  const query = pg.unsafe(statement) as ReturnType<RawSql["unsafe"]> & { reject?: (e: unknown) => void };
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const reject = query.reject;
  if (typeof reject === "function")
    query.reject = (e: unknown) => {
      fail(e);
      return reject(e);
    };
  const target = await Promise.race([query.writable(), failed]);
  target.once("error", fail);
  for await (const chunk of chunks) {
    if (!target.write(chunk)) await Promise.race([new Promise((r) => target.once("drain", r)), failed]);
  }
  const done = new Promise<void>((resolve) => target.once("finish", resolve));
  target.end();
  await Promise.race([done, failed]);
}

interface Todo {
  member_id: string;
  /** Line number of the invoice's first row. */
  row: number;
  invoice_id: string;
  status: "paid" | "voided";
  at: string;
  /** Paid invoices' lines (codes trimmed, amounts without "$" or ","). */
  lines: { code: string; amount: string }[];
}

/**
 * Imports a CSV file (re-readable through `open`) with COPY. Returns null, having written nothing,
 * when the database is not PostgreSQL or the file needs the csv-parse path (quoted header,
 * blank lines, ragged rows, records spanning lines, or anything else COPY refuses).
 */
export async function importCsvWithCopy(
  ctx: Ctx,
  open: () => Readable,
  options: { source?: string; onProgress?: (rowsDone: number, rowsTotal: number) => void } = {},
): Promise<CopyImportSummary | null> {
  authorize(ctx, "imports.invoices");
  if (!rawClient(ctx.db)) return null;
  let staged: Staged;
  try {
    const plain = await readPlainCsv(ctx, open);
    staged = plain ? await unrecordedOf(ctx, plain) : await ctx.db.transaction((tx) => stage(tx, ctx, open, options));
  } catch (err) {
    if (err instanceof UseCsvParser) return null;
    throw err;
  }
  options.onProgress?.(0, staged.rows);
  const source = options.source ?? "csv";
  const P = ctx.practiceId;
  const { rows, todo } = staged;
  const [run] = await ctx.db.insert(importRuns).values({ practiceId: P, source, rows }).returning({ id: importRuns.id });
  const runId = run!.id;
  let imported = 0;
  let points = 0;
  let raced = 0;

  if (todo.length > 0) {
    // Members in chunks of about CHUNK_INVOICES invoices, each chunk one transaction; two in
    // flight (disjoint members, so they never wait on each other): PostgreSQL writes with two
    // backends, and the engine runs while the other chunk's rows are written.
    const setup = await loadSetup(ctx.db, P);
    const chunks: Todo[][] = [];
    for (let i = 0; i < todo.length; ) {
      let j = Math.min(todo.length, i + CHUNK_INVOICES);
      while (j < todo.length && todo[j]!.member_id === todo[j - 1]!.member_id) j++;
      chunks.push(todo.slice(i, j));
      i = j;
    }
    let next = 0;
    let failed = false;
    let done = 0;
    const worker = async () => {
      while (!failed && next < chunks.length) {
        let chunk = chunks[next++]!;
        try {
          for (let attempt = 1; ; attempt++) {
            try {
              const r = await ctx.db.transaction((tx) => writeChunk(tx, ctx, setup, runId, source, chunk));
              imported += r.imported;
              points += r.points;
              break;
            } catch (err) {
              const code = pgCode(err);
              if (!(code === "23505" || code === "40P01" || code === "40001") || attempt >= 5) throw err;
              // Another writer recorded some of these invoices meanwhile: they are skipped now.
              const before = chunk.length;
              chunk = await unrecorded(ctx, chunk);
              raced += before - chunk.length;
            }
          }
          done += chunk.length;
          options.onProgress?.(Math.round((rows * done) / todo.length), rows);
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
  }

  const skipped = staged.valid - imported;
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(importRuns)
      .set({ imported, skipped, errors: staged.errors.slice(0, 10_000), finishedAt: new Date() })
      .where(eq(importRuns.id, runId));
    await audit(tx, ctx, {
      action: "imports.invoices",
      targetType: "import_run",
      targetId: runId,
      details: { rows, imported, skipped, errors: staged.errorCount, points, ...(raced > 0 ? { recordedMeanwhile: raced } : {}) },
    });
  });
  return {
    rows,
    invoices: staged.invoices,
    imported,
    skipped,
    points,
    errorCount: staged.errorCount,
    errors: staged.errors.slice(0, 1000),
    runIds: [runId],
  };
}

const CHUNK_INVOICES = 25_000;
const CHUNKS_IN_FLIGHT = 2;

interface Staged {
  rows: number;
  invoices: number;
  /** Invoices without errors (new ones, recorded ones and repeats in the file). */
  valid: number;
  errorCount: number;
  errors: { row: number; message: string }[];
  /** New invoices in processing order: per member, time order, a payment before its void, file order. */
  todo: Todo[];
}

/**
 * A plain file read in Node: which of its invoices are recorded already (by any path), found
 * with one anti-join against the events' unique index after a COPY of the keys.
 */
async function unrecordedOf(ctx: Ctx, plain: PlainRead): Promise<Staged> {
  const recorded = new Set<string>();
  if (plain.valid.length > 0) {
    await ctx.db.transaction(async (tx) => {
      const pg = rawClient(tx)!;
      await pg.unsafe("create temp table import_keys (ext text) on commit drop");
      await copyIn(
        pg,
        "copy import_keys (ext) from stdin",
        (function* () {
          for (let k = 0; k < plain.valid.length; k += 5000)
            yield plain.valid
              .slice(k, k + 5000)
              .map((v) => `${copyText(`invoice:${v.invoiceId}:${v.status}`)}\n`)
              .join("");
        })(),
      );
      await pg.unsafe("analyze import_keys");
      const rows = (await pg.unsafe(
        "select k.ext from import_keys k where exists (select 1 from events e where e.practice_id = $1::uuid and e.external_id = k.ext)",
        [ctx.practiceId],
      )) as unknown as { ext: string }[];
      for (const r of rows) recorded.add(r.ext);
    });
  }
  const todo: Todo[] = [];
  for (const v of plain.valid) {
    if (recorded.has(`invoice:${v.invoiceId}:${v.status}`)) continue;
    todo.push({ member_id: v.memberId, row: v.row, invoice_id: v.invoiceId, status: v.status, at: v.at, lines: v.lines });
  }
  todo.sort(
    (a, b) =>
      (a.member_id < b.member_id ? -1 : a.member_id > b.member_id ? 1 : 0) ||
      (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) ||
      (a.status === b.status ? 0 : a.status === "paid" ? -1 : 1) ||
      a.row - b.row,
  );
  return {
    rows: plain.rows,
    invoices: plain.invoices,
    valid: plain.valid.length + plain.repeats,
    errorCount: plain.errorCount,
    errors: plain.errors.slice(0, 10_000),
    todo,
  };
}

/** The invoices of a chunk not recorded by now (after a conflict with another writer). */
async function unrecorded(ctx: Ctx, chunk: Todo[]): Promise<Todo[]> {
  const recorded = new Set<string>();
  for (let i = 0; i < chunk.length; i += 20_000) {
    const ids = chunk.slice(i, i + 20_000).map((t) => `invoice:${t.invoice_id}:${t.status}`);
    const rows = (await ctx.db.execute(
      sql`select e.external_id from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as x(id)
          join events e on e.practice_id = ${ctx.practiceId}::uuid and e.external_id = x.id`,
    )) as unknown as { external_id: string }[];
    for (const r of rows) recorded.add(r.external_id);
  }
  return chunk.filter((t) => !recorded.has(`invoice:${t.invoice_id}:${t.status}`));
}

/** Step 1 for a file with quotes, in a transaction of its own (the temporary tables go with it). */
async function stage(
  tx: Tx,
  ctx: Ctx,
  open: () => Readable,
  options: { onProgress?: (rowsDone: number, rowsTotal: number) => void },
): Promise<Staged> {
  const pg = rawClient(tx);
  if (!pg) throw new UseCsvParser();
  const P = ctx.practiceId;

  // 1. Header (read here), then the rest of the file into COPY, counting lines as it goes. Node
  //    looks at each line on the way (while PostgreSQL parses the previous chunk): a line whose
  //    code or amount is not plainly valid as it stands is "doubted" and gets the exact checks.
  let header: string[] | null = null;
  let lines = 0;
  let lastByte = 10;
  const doubted: number[] = [];
  let codeAt = -1;
  let amountAt = -1;
  let statusAt = -1;
  let partial = "";
  const scan = (text: string) => {
    const s = partial + text;
    let start = 0;
    for (let nl = s.indexOf("\n"); nl !== -1; nl = s.indexOf("\n", start)) {
      lines++;
      const line = s.charCodeAt(nl - 1) === 13 ? s.slice(start, nl - 1) : s.slice(start, nl);
      start = nl + 1;
      if (line.includes('"')) {
        doubted.push(lines);
        continue;
      }
      const f = line.split(",");
      const status = statusAt < 0 ? "" : f[statusAt];
      if (status !== "" && status !== "paid") {
        if (status === "voided" || status === "refunded") continue; // no code or amount needed
        doubted.push(lines); // a status to normalise, or a bad one
        continue;
      }
      const code = codeAt < 0 ? undefined : f[codeAt];
      const amount = amountAt < 0 ? undefined : f[amountAt];
      if (
        code === undefined ||
        code === "" ||
        code.length > 64 ||
        code.charCodeAt(0) <= 32 ||
        code.charCodeAt(code.length - 1) <= 32 ||
        amount === undefined ||
        !plainAmount.test(amount)
      )
        doubted.push(lines);
    }
    partial = s.slice(start);
  };
  async function* body(): AsyncGenerator<string> {
    let head = "";
    for await (const chunk of open()) {
      let text = typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8");
      if (header === null) {
        head += text;
        const nl = head.indexOf("\n");
        if (nl === -1) continue;
        header = headerColumns(head.slice(0, nl));
        if (header === null) throw new UseCsvParser();
        codeAt = header.indexOf("code");
        amountAt = header.indexOf("amount");
        statusAt = header.indexOf("status");
        text = head.slice(nl + 1);
      }
      if (text.length > 0) lastByte = text.charCodeAt(text.length - 1);
      if (text.includes("\x1e") || text.includes("\x1f")) throw new UseCsvParser(); // the separators of the grouped lines
      yield text;
      scan(text);
    }
    if (header === null) throw new UseCsvParser(); // no data rows (or no newline at all)
    if (partial !== "") {
      scan("\n");
      lines--; // the last line had no newline: counted apart below
    }
  }
  const it = body();
  const first = await it.next();
  if (first.done || header === null) throw new UseCsvParser();
  const cols = header as string[];
  // Sorts and hashes of a whole file in memory (this transaction only).
  await pg.unsafe("set local work_mem = '256MB'");
  if (KNOWN.some((k) => cols.filter((c) => c === k).length > 1)) throw new UseCsvParser();
  const copyCols = cols.map((c, i) => ((KNOWN as readonly string[]).includes(c) ? c : `x${i}`));
  const extra = copyCols.filter((c) => c.startsWith("x")).map((c) => `, ${c} text`);
  await pg.unsafe(
    `create temp table import_lines (n bigint generated always as identity (cache 100000), member_id text, invoice_id text, date text, status text, code text, amount text${extra.join("")}) on commit drop`,
  );
  try {
    await copyIn(
      pg,
      `copy import_lines (${copyCols.join(", ")}) from stdin (format csv)`,
      (async function* () {
        yield first.value;
        yield* it;
      })(),
    );
  } catch (err) {
    if (err instanceof UseCsvParser || /^22/.test(pgCode(err) ?? "")) throw new UseCsvParser();
    throw err;
  }
  const [{ rows: rowCount }] = (await pg.unsafe("select count(*)::int as rows from import_lines")) as [{ rows: number }];
  // Records spanning lines (quoted newlines) or blank lines: line numbers would not be exact.
  if (rowCount !== lines + (lastByte === 10 ? 0 : 1)) throw new UseCsvParser();
  options.onProgress?.(0, rowCount);

  // 2. Invoices: the rows with the same member, invoice and status, which must be consecutive
  //    (else the csv-parse path takes the file). The rows of an invoice with a doubted line, or
  //    with a bad member, invoice id, status or date, get the exact checks and messages per row.
  await pg.unsafe(`create temp table import_doubt on commit drop as select value::bigint n from jsonb_array_elements_text($1::jsonb)`, [
    JSON.stringify(doubted),
  ]);
  await pg.unsafe(`
    create temp table import_inv on commit drop as
    select first, last, nlines, doubted, 0 maxcode, lines, d, d2, rm, ri, rst, m, i, case when rs = 'refunded' then 'voided' else rs end s, false bad
    from (
      select *, coalesce(btrim(rm, E' \\t'), '') m, coalesce(btrim(ri, E' \\t'), '') i, lower(coalesce(nullif(btrim(rst, E' \\t'), ''), 'paid')) rs
      from (
        select min(l.n) first, max(l.n) last, count(*)::int nlines, member_id rm, invoice_id ri, status rst, min(date) d, max(date) d2,
               ${doubted.length > 0 ? "bool_or(dt.n is not null)" : "false"} doubted,
               string_agg(code || chr(31) || amount, chr(30)) lines
        from import_lines l ${doubted.length > 0 ? "left join import_doubt dt on dt.n = l.n" : ""}
        group by member_id, invoice_id, status
      ) g
    ) t`);
  const [shape] = (await pg.unsafe(
    `select count(*)::int invoices,
            count(*) filter (where last - first + 1 <> nlines or d is distinct from d2)::int irregular,
            count(*) filter (where m is distinct from rm or i is distinct from ri or s is distinct from rst)::int renamed
     from import_inv`,
  )) as [{ invoices: number; irregular: number; renamed: number }];
  const invoices = shape.invoices;
  if (invoices > MAX_COPY_INVOICES) throw new UseCsvParser();
  // Lines of one invoice apart, or one invoice's rows with different dates: the csv-parse path's rules apply.
  if (shape.irregular > 0) throw new UseCsvParser();
  if (shape.renamed > 0) {
    const [{ dup }] = (await pg.unsafe("select (count(*) - count(distinct (m, i, s)))::int dup from import_inv")) as [{ dup: number }];
    if (dup > 0) throw new UseCsvParser();
  }

  // Dates: each distinct value checked once in Node, with the csv-parse path's pattern and the JSON endpoint's rule.
  const dates = (await pg.unsafe("select distinct coalesce(d, '') d from import_inv")) as { d: string }[];
  const dateRows = dates.map(({ d }) => {
    const v = d.trim();
    const ok = dateField.safeParse(v);
    return {
      d,
      row_ok: dateLike.test(v),
      at: ok.success ? (v.length === 10 ? `${v}T12:00:00.000Z` : new Date(v).toISOString()) : null,
      problem: ok.success ? null : `date: ${ok.error.issues.map((x) => x.message).join("; ")}`,
    };
  });
  await pg.unsafe(
    `create temp table import_dates on commit drop as select * from jsonb_to_recordset($1::jsonb) as x(d text, row_ok boolean, at text, problem text)`,
    [JSON.stringify(dateRows)],
  );
  await pg.unsafe(
    `create temp table import_doubted on commit drop as
     select v.first, v.last from import_inv v join import_dates dt on dt.d = coalesce(v.d, '')
     where v.m = '' or v.i = '' or v.s not in ('paid', 'voided') or not dt.row_ok or (v.s = 'paid' and v.doubted)`,
  );
  const [{ exact }] = (await pg.unsafe("select count(*)::int exact from import_doubted")) as [{ exact: number }];
  if (exact > 0) {
    await pg.unsafe(`
      create temp table import_rows on commit drop as
      with r as (select first, generate_series(first, last) n from import_doubted),
      t as (
        select r.first, l.n, coalesce(btrim(member_id, E' \\t'), '') m, coalesce(btrim(invoice_id, E' \\t'), '') i, coalesce(btrim(date, E' \\t'), '') d,
               lower(coalesce(nullif(btrim(status, E' \\t'), ''), 'paid')) rs, coalesce(btrim(code, E' \\t'), '') c, coalesce(btrim(amount, E' \\t'), '') ra
        from r join import_lines l on l.n = r.n
      ), c as (
        select *, replace(replace(ra, '$', ''), ',', '') a from t, lateral (select case when rs = 'refunded' then 'voided' else rs end s) x
      )
      select first, n, c, a,
             nullif(concat_ws('; ',
               case when m = '' then 'member_id is missing' end,
               case when i = '' then 'invoice_id is missing' end,
               case when d !~ '^\\d{4}-\\d{2}-\\d{2}(T[\\d:.]+(Z|[+-]\\d{2}:?\\d{2}))?$' then 'date must be YYYY-MM-DD' end,
               case when s not in ('paid', 'voided') then format('status must be paid, voided or refunded (got "%s")', rs) end,
               case when s = 'paid' and c = '' then 'code is missing' end,
               case when s = 'paid' and a !~ '^-?\\d+(\\.\\d{1,2})?$' then format('amount must be a dollar amount like 125.00 (got "%s")', ra) end
             ), '') problem
      from c`);
    await pg.unsafe(`
      update import_inv v set bad = x.bad, lines = x.lines, maxcode = x.maxcode
      from (
        select first, count(*) filter (where problem is not null) > 0 bad, max(char_length(c)) maxcode,
               string_agg(c || chr(31) || a, chr(30) order by n) lines
        from import_rows group by first
      ) x
      where v.first = x.first`);
  }
  const [{ errors: rowErrorCount }] = (await pg.unsafe(
    exact > 0 ? "select count(*)::int errors from import_rows where problem is not null" : "select 0 errors",
  )) as [{ errors: number }];
  // Invoice-level checks (the JSON endpoint's limits), then members; a bad invoice is reported once, at its first row.
  await pg.unsafe(
    `create temp table import_checked on commit drop as
     select g.first + 1 as row, g.m, g.i, g.s, g.lines, dt.at, mb.id member_id,
            case
              when char_length(g.m) > 200 then 'externalMemberId: at most 200 characters'
              when char_length(g.i) > 200 then 'invoiceId: at most 200 characters'
              when dt.problem is not null then dt.problem
              when g.s = 'paid' and g.nlines > 1000 then 'lines: at most 1000 lines per invoice'
              when g.s = 'paid' and g.maxcode > 64 then 'lines: code: at most 64 characters'
              when mb.id is null then 'unknown member ' || g.m
            end problem
     from import_inv g
     join import_dates dt on dt.d = coalesce(g.d, '')
     left join members mb on mb.practice_id = $1::uuid and mb.external_id = g.m and mb.status = 'member'
     where not g.bad`,
    [P],
  );
  const errors = (await pg.unsafe(
    `select row::int, message from (
       ${exact > 0 ? "(select n + 1 as row, problem as message from import_rows where problem is not null order by n limit 10000) union all " : ""}
       (select row, problem as message from import_checked where problem is not null order by row limit 10000)
     ) e order by row limit 10000`,
  )) as { row: number; message: string }[];
  const [{ n: invoiceErrorCount }] = (await pg.unsafe("select count(*)::int n from import_checked where problem is not null")) as [
    { n: number },
  ];
  // New invoices: not recorded yet (by any path), in processing order (per member, time order,
  // a payment before its void, file order); one text column per invoice is the cheapest to fetch.
  const [{ valid }] = (await pg.unsafe("select count(*)::int valid from import_checked where problem is null")) as [{ valid: number }];
  const fetched = (await pg.unsafe(
    `select c.member_id || chr(31) || c.row || chr(31) || c.at || chr(31) || c.s || chr(31) || c.i || chr(31) || coalesce(c.lines, '') r
     from import_checked c
     where c.problem is null and not exists (select 1 from events e where e.practice_id = $1::uuid and e.external_id = 'invoice:' || c.i || ':' || c.s)
     order by c.member_id, c.at, c.s = 'voided', c.row`,
    [P],
  )) as unknown as { r: string }[];
  // An invoice repeated in the file: the first one counts, the others are skipped.
  const firstRow = new Map<string, number>();
  const todo: Todo[] = [];
  for (const { r } of fetched) {
    let k = r.indexOf("\x1f");
    const member_id = r.slice(0, k);
    let j = r.indexOf("\x1f", k + 1);
    const row = Number(r.slice(k + 1, j));
    k = r.indexOf("\x1f", j + 1);
    const at = r.slice(j + 1, k);
    j = r.indexOf("\x1f", k + 1);
    const status = r.slice(k + 1, j) as Todo["status"];
    k = r.indexOf("\x1f", j + 1);
    const invoice_id = r.slice(j + 1, k);
    const packed = r.slice(k + 1);
    const lines =
      status === "paid"
        ? packed.split("\x1e").map((l) => {
            const c = l.indexOf("\x1f");
            return { code: l.slice(0, c), amount: l.slice(c + 1) };
          })
        : [];
    const ext = `${invoice_id}\x1f${status}`;
    const seen = firstRow.get(ext);
    if (seen === undefined || row < seen) firstRow.set(ext, row);
    todo.push({ member_id, row, at, status, invoice_id, lines });
  }
  const todoFirst = fetched.length === firstRow.size ? todo : todo.filter((t) => firstRow.get(`${t.invoice_id}\x1f${t.status}`) === t.row);
  return { rows: rowCount, invoices, valid, errorCount: rowErrorCount + invoiceErrorCount, errors, todo: todoFirst };
}

/**
 * Step 2 for one chunk (whole members), in the caller's transaction: lock, engine, events by
 * COPY, the run's ledger entries for these members, their engine states.
 */
async function writeChunk(
  tx: Tx,
  ctx: Ctx,
  setup: Awaited<ReturnType<typeof loadSetup>>,
  runId: string,
  source: string,
  list: Todo[],
): Promise<{ imported: number; points: number }> {
  if (list.length === 0) return { imported: 0, points: 0 };
  const pg = rawClient(tx)!;
  const P = ctx.practiceId;
  const memberIds = [...new Set(list.map((t) => t.member_id))];
  const balances = await lockBalances(tx, P, memberIds);
  const stored = new Map<string, MemberState>();
  const profileOf = new Map<string, { tags: string[]; birthday: string | null; registered: boolean }>();
  for (let i = 0; i < memberIds.length; i += 5000) {
    const ids = memberIds.slice(i, i + 5000);
    const stateRows = await tx
      .select({ memberId: memberEngineStates.memberId, state: memberEngineStates.state })
      .from(memberEngineStates)
      .where(and(eq(memberEngineStates.practiceId, P), inArray(memberEngineStates.memberId, ids)))
      .for("update");
    for (const r of stateRows) stored.set(r.memberId, r.state as MemberState);
    const profiles = await tx
      .select({ id: members.id, tags: members.tags, birthday: members.birthday, registered: members.registered })
      .from(members)
      .where(and(eq(members.practiceId, P), inArray(members.id, ids)));
    for (const p of profiles) profileOf.set(p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered });
  }

  // The engine, member by member; event rows stream into COPY as they are produced.
  const nextId = idSource();
  const versionId = setup.versionId;
  /** Ledger entries for the run: one per member, kind and rule (award or reversal). */
  const runEntries = new Map<string, NewEntry & { invoices: number; first: Date; last: Date }>();
  const generic: { eventId: string; at: Date; effects: Effect[] }[] = [];
  const genericRows: string[][] = [];
  const newStates: { member_id: string; state: MemberState }[] = [];
  const entryFor = (member: string, kind: NewEntry["kind"], rule: string, at: Date) => {
    const key = `import:${runId}:${member}:${kind}:${rule}`;
    let e = runEntries.get(key);
    if (!e) {
      e = {
        id: randomUUID(),
        memberId: member,
        kind,
        points: 0,
        idempotencyKey: key,
        at,
        ruleName: rule,
        ruleSetVersionId: versionId,
        invoices: 0,
        first: at,
        last: at,
      };
      runEntries.set(key, e);
    }
    e.invoices++;
    if (at > e.last) e.last = at;
    e.at = e.last;
    return e;
  };
  const vid = versionId ?? "\\N";
  const src = copyText(source);
  let genericPlan: EffectPlan | null = null;
  function* eventRows(): Generator<string> {
    let out: string[] = [];
    let i = 0;
    while (i < list.length) {
      const memberId = list[i]!.member_id;
      const profile = profileOf.get(memberId);
      if (!profile) throw new Error(`import: member ${memberId} is not in this practice`);
      const state = { ...(stored.get(memberId) ?? freshMemberState(profile)), ...profile, balance: balances.get(memberId) ?? 0 };
      const engineState = { members: { [memberId]: state }, processed: {} as Record<string, true> };
      for (; i < list.length && list[i]!.member_id === memberId; i++) {
        const t = list[i]!;
        const eventId = nextId();
        const ext = `invoice:${t.invoice_id}:${t.status}`;
        const type = t.status === "paid" ? "invoice.paid" : "invoice.voided";
        let linesJson = "";
        let input: EventInput;
        if (t.status === "paid") {
          const lines = t.lines;
          linesJson = JSON.stringify(lines);
          input = { id: ext, type, at: t.at, member: memberId, invoice: { id: t.invoice_id, lines } };
        } else input = { id: ext, type, at: t.at, member: memberId, invoice: { id: t.invoice_id } };
        const effects: Effect[] = [];
        applyEvent(setup.program, engineState, toEngineEvent(eventId, input), effects);
        const at = new Date(t.at);
        let outcome = "";
        if (effects.every((e) => e.type === "award" || e.type === "reversal" || e.type === "rejected")) {
          const awards: EventOutcome["awards"] = [];
          const reversals: EventOutcome["reversals"] = [];
          const rejected: EventOutcome["rejected"] = [];
          for (const e of effects) {
            if (e.type === "award" && e.points !== 0) {
              const kind = e.why?.kind === "earn" ? "earn" : e.why?.kind === "milestone" ? "milestone" : "reward";
              const entry = entryFor(e.member, kind, e.rule, at);
              entry.points += e.points;
              awards.push({ member: e.member, rule: e.rule, points: e.points, entryId: entry.id!, why: null });
            } else if (e.type === "reversal") {
              const entry = entryFor(e.member, "reversal", e.rule, at);
              entry.points -= Math.abs(e.points);
              reversals.push({ member: e.member, rule: e.rule, points: e.points, reverses: e.reverses, entryId: entry.id! });
            } else if (e.type === "rejected") rejected.push({ member: e.member, reason: e.reason });
          }
          outcome = JSON.stringify({ ...emptyOutcome(), awards, reversals, rejected });
        } else {
          // Coupons, phases, requests: the pipeline's own planning (below), written after the events.
          generic.push({ eventId, at, effects });
        }
        const payload =
          t.status === "paid"
            ? `{"id":${JSON.stringify(ext)},"type":"${type}","at":"${t.at}","member":"${memberId}","invoice":{"id":${JSON.stringify(t.invoice_id)},"lines":${linesJson}}}`
            : `{"id":${JSON.stringify(ext)},"type":"${type}","at":"${t.at}","member":"${memberId}","invoice":{"id":${JSON.stringify(t.invoice_id)}}}`;
        const row = [eventId, P, copyText(ext), type, t.at, memberId, copyText(payload), "", vid, src];
        if (outcome === "") genericRows.push(row);
        else {
          row[7] = copyText(outcome);
          out.push(`${row.join("\t")}\n`);
        }
      }
      newStates.push({ member_id: memberId, state: engineState.members[memberId]! });
      if (out.length >= 2000) {
        yield out.join("");
        out = [];
      }
    }
    // Events with effects planned by the pipeline (their entry and coupon ids are chosen now).
    const plan = planEffects(ctx, generic, versionId, { source });
    genericRows.forEach((row, j) => {
      row[7] = copyText(JSON.stringify(plan.outcomes[j]));
      out.push(`${row.join("\t")}\n`);
    });
    genericPlan = plan;
    if (out.length > 0) yield out.join("");
  }
  await copyIn(
    pg,
    "copy events (id, practice_id, external_id, type, at, member_id, payload, outcome, rule_set_version_id, source) from stdin",
    eventRows(),
  );

  // Ledger: the run's entries (balances move by exactly what is inserted), then the other effects.
  const entries = [...runEntries.values()].filter((e) => e.points !== 0);
  for (const e of entries) {
    e.explanation = {
      rule: e.ruleName,
      import: runId,
      invoices: e.invoices,
      from: e.first.toISOString(),
      to: e.last.toISOString(),
      ...(e.kind === "reversal" ? { reversed: true } : {}),
    };
  }
  for (let i = 0; i < entries.length; i += 3000) {
    await appendEntries(
      tx,
      ctx,
      entries.slice(i, i + 3000).map(({ invoices: _n, first: _f, last: _l, ...e }) => e),
    );
  }
  let points = entries.reduce((s, e) => s + e.points, 0);
  const plan = genericPlan as EffectPlan | null;
  if (plan !== null && plan.outcomes.length > 0) {
    await storeEffects(tx, ctx, plan);
    points += plan.entries.reduce((s, e) => s + e.points, 0);
  }
  for (let i = 0; i < newStates.length; i += 100) {
    await tx.execute(
      sql`insert into member_engine_states (member_id, practice_id, state)
          select x.member_id, ${P}::uuid, x.state from jsonb_to_recordset(${jsonRows(newStates.slice(i, i + 100))}) as x(member_id uuid, state jsonb)
          on conflict (member_id) do update set state = excluded.state, updated_at = now()`,
    );
  }
  return { imported: list.length, points };
}
