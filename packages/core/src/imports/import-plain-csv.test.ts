// The plain CSV reader's import (PGlite and PostgreSQL): row errors by line number while good rows
// import, the ledger's one shape (one entry per invoice and rule, with its explanation; a
// reversal names its entry), exactly-once on re-import and across the JSON import and
// recordEvent, a later void, concurrent imports of one file, and the files it leaves to the
// csv-parse reader (having written nothing).

import { Readable } from "node:stream";
import { events, importRuns, ledgerEntries, memberBalances } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { importInvoices } from "./import-invoices.ts";
import { importPlainCsv as importCsvWithCopy } from "./import-plain-csv.ts";

describe("CSV import through the plain reader", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let idOf: Map<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 16 });
    p = await makePractice(t);
    await saveRuleSet({
      ctx: p.admin,
      input: { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true },
    });
    const ms = await makeMembers(
      t,
      p.id,
      Array.from({ length: 40 }, (_, i) => ({ externalId: `M-${i}` })),
    );
    idOf = new Map(ms.map((m) => [m.externalId!, m.id]));
  });
  afterAll(() => t?.dispose());

  const file =
    (rows: string[], header = "member_id,invoice_id,date,status,code,amount") =>
    () =>
      Readable.from([`${[header, ...rows].join("\n")}\n`]);
  const ledger = async () =>
    (
      await t.db
        .select({ n: sql<number>`count(*)::int`, points: sql<number>`coalesce(sum(${ledgerEntries.points}), 0)::int` })
        .from(ledgerEntries)
        .where(eq(ledgerEntries.practiceId, p.id))
    )[0]!;
  const balancesMatch = async () => {
    for (const b of await t.db.select().from(memberBalances).where(eq(memberBalances.practiceId, p.id))) {
      expect(b.balance).toBe(await ledgerSum(t.db, p.id, b.memberId));
    }
  };
  const balanceOf = async (externalId: string) =>
    (
      await t.db
        .select()
        .from(memberBalances)
        .where(eq(memberBalances.memberId, idOf.get(externalId)!))
    )[0]?.balance ?? 0;

  it("reports bad rows by line number and imports the good ones; the same file again imports nothing", async () => {
    const open = file([
      "M-0,A-1,2026-03-01,paid,CLEAN,100.00", // 2: 10 points
      "M-0,A-1,2026-03-01,paid,XRAY,25.50", // 3: same invoice (125.50: 12 points)
      "M-1,A-2,2026-03-02,paid,CLEAN,abc", // 4: bad amount
      "M-1,A-2,2026-03-02,paid,XRAY,10.00", // 5: its invoice is skipped with it
      "NOBODY,A-3,2026-03-02,paid,CLEAN,10.00", // 6: unknown member
      "M-2,A-4,2026-02-30,paid,CLEAN,10.00", // 7: not a date
      "M-2,A-5,someday,paid,CLEAN,10.00", // 8: not a date at all
      "M-3,A-6,2026-03-03,pending,CLEAN,10.00", // 9: bad status
      "M-3,A-7,2026-03-03,paid,,10.00", // 10: no code
      " M-4 , A-8 ,2026-03-04, PAID , FILL ,$1234.50", // 11: padded, dollar sign: 123 points
      "M-5,A-9,2026-03-05T09:30:00+02:00,paid,CLEAN,40", // 12: an instant: 4 points
    ]);
    const rows = open;
    const before = await ledger();
    const r = (await importCsvWithCopy(p.admin, rows))!;
    expect(r).not.toBeNull();
    expect(r).toMatchObject({ rows: 11, invoices: 9, imported: 3, skipped: 0, points: 12 + 123 + 4 });
    expect(r.errors.map((e) => e.row)).toEqual([4, 6, 7, 8, 9, 10]);
    expect(r.errors[0]!.message).toMatch(/^amount must be a dollar amount like 125\.00 \(got "abc"\)$/);
    expect(r.errors[1]!.message).toBe("unknown member NOBODY");
    expect(r.errors[2]!.message).toMatch(/^date: /);
    expect(r.errors[3]!.message).toBe("date must be YYYY-MM-DD");
    expect(r.errors[4]!.message).toBe('status must be paid, voided or refunded (got "pending")');
    expect(r.errors[5]!.message).toBe("code is missing");
    expect(r.errorCount).toBe(6);
    expect(await balanceOf("M-4")).toBe(123);
    const [ev] = await t.db
      .select()
      .from(events)
      .where(and(eq(events.practiceId, p.id), eq(events.externalId, "invoice:A-8:paid")));
    expect(ev!.payload).toMatchObject({
      type: "invoice.paid",
      member: idOf.get("M-4"),
      invoice: { id: "A-8", lines: [{ code: "FILL", amount: "1234.50" }] },
    });
    expect(ev!.outcome).toMatchObject({ awards: [{ rule: "Spend", points: 123 }] });
    // One ledger entry per invoice and rule, with its explanation and rule version, as every door books it.
    const entries = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.eventId, ev!.id));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: "earn",
      points: 123,
      ruleName: "Spend",
      idempotencyKey: `ev:${ev!.id}:Spend:${idOf.get("M-4")}`,
    });
    expect(entries[0]!.ruleSetVersionId).not.toBeNull();
    expect(entries[0]!.explanation).toMatchObject({ rule: "Spend" });
    const [run] = await t.db.select().from(importRuns).where(eq(importRuns.id, r.runIds[0]!));
    expect(run).toMatchObject({ rows: 11, imported: 3, skipped: 0 });
    expect(run!.errors.map((e) => e.row)).toEqual([4, 6, 7, 8, 9, 10]);
    const after = await ledger();
    expect(after.points - before.points).toBe(139);

    const again = (await importCsvWithCopy(p.admin, rows))!;
    expect(again).toMatchObject({ imported: 0, skipped: 3, points: 0, errorCount: 6 });
    expect(await ledger()).toEqual(after);
    await balancesMatch();
  });

  it("awards an invoice once across the JSON import, the CSV import and recordEvent", async () => {
    const before = await ledger();
    await importInvoices({
      ctx: p.admin,
      input: [
        { externalMemberId: "M-10", invoiceId: "B-1", date: "2026-04-01", status: "paid", lines: [{ code: "CLEAN", amount: "50.00" }] },
      ],
    });
    await recordEvent({
      ctx: p.system,
      input: {
        id: "invoice:B-2:paid",
        type: "invoice.paid",
        at: "2026-04-02T12:00:00.000Z",
        member: idOf.get("M-10")!,
        invoice: { id: "B-2", lines: [{ code: "CLEAN", amount: "60.00" }] },
      },
    });
    const r = (await importCsvWithCopy(
      p.admin,
      file(["M-10,B-1,2026-04-01,paid,CLEAN,50.00", "M-10,B-2,2026-04-02,paid,CLEAN,60.00", "M-10,B-3,2026-04-03,paid,CLEAN,70.00"]),
    ))!;
    expect(r).toMatchObject({ imported: 1, skipped: 2, points: 7 });
    // And the other way round: the JSON import of an invoice the CSV brought skips it.
    const json = await importInvoices({
      ctx: p.admin,
      input: [
        { externalMemberId: "M-10", invoiceId: "B-3", date: "2026-04-03", status: "paid", lines: [{ code: "CLEAN", amount: "70.00" }] },
      ],
    });
    expect(json).toMatchObject({ imported: 0, skipped: 1 });
    const dup = await recordEvent({
      ctx: p.system,
      input: {
        id: "invoice:B-3:paid",
        type: "invoice.paid",
        at: "2026-04-03T12:00:00.000Z",
        member: idOf.get("M-10")!,
        invoice: { id: "B-3", lines: [{ code: "CLEAN", amount: "70.00" }] },
      },
    });
    expect(dup.duplicate).toBe(true);
    expect((await ledger()).points - before.points).toBe(5 + 6 + 7);
    expect(await balanceOf("M-10")).toBe(18);
    await balancesMatch();
  });

  it("a later void of an imported invoice takes back exactly its points", async () => {
    const r = (await importCsvWithCopy(
      p.admin,
      file([
        "M-11,C-1,2026-05-01,paid,CLEAN,80.00",
        "M-11,C-1,2026-05-01,paid,XRAY,15.00",
        "M-11,C-2,2026-05-02,paid,CLEAN,30.00",
        "M-12,C-3,2026-05-02,paid,CLEAN,44.00",
        "M-12,C-3,2026-05-03,refunded,,",
      ]),
    ))!;
    // C-3 is paid and refunded in the same file: awarded and reversed.
    expect(r).toMatchObject({ imported: 4, points: 9 + 3 + 4 - 4 });
    expect(await balanceOf("M-11")).toBe(12);
    expect(await balanceOf("M-12")).toBe(0);
    const voided = await importInvoices({
      ctx: p.admin,
      input: [{ externalMemberId: "M-11", invoiceId: "C-1", date: "2026-05-10", status: "voided" }],
    });
    expect(voided).toMatchObject({ imported: 1, points: -9 });
    expect(await balanceOf("M-11")).toBe(3);
    // The reversal names the entry it takes back.
    const [paid] = await t.db
      .select()
      .from(events)
      .where(and(eq(events.practiceId, p.id), eq(events.externalId, "invoice:C-1:paid")));
    const [award] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.eventId, paid!.id));
    const [reversal] = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, p.id), eq(ledgerEntries.kind, "reversal"), eq(ledgerEntries.reversesEntryId, award!.id)));
    expect(reversal).toMatchObject({ points: -9, ruleName: "Spend" });
    // Voiding again (CSV this time) changes nothing.
    const again = (await importCsvWithCopy(p.admin, file(["M-11,C-1,2026-05-10,voided,,"])))!;
    expect(again).toMatchObject({ imported: 0, skipped: 1, points: 0 });
    expect(await balanceOf("M-11")).toBe(3);
    await balancesMatch();
  });

  it("an invoice id paid again with other lines is a revision; the same lines, or only another date, change nothing", async () => {
    const first = (await importCsvWithCopy(p.admin, file(["M-13,R-1,2026-05-01,paid,CLEAN,100.00"])))!;
    expect(first).toMatchObject({ imported: 1, revised: 0, points: 10 });
    // Insurance paid more: the practice-management system keeps the invoice id.
    const revised = (await importCsvWithCopy(
      p.admin,
      file(["M-13,R-1,2026-05-01,paid,CLEAN,100.00", "M-13,R-1,2026-05-01,paid,XRAY,40.00"]),
    ))!;
    expect(revised).toMatchObject({ imported: 1, revised: 1, points: -10 + 14 });
    expect(await balanceOf("M-13")).toBe(14);
    // The reversal names the first revision's entry.
    const [firstEvent] = await t.db
      .select()
      .from(events)
      .where(and(eq(events.practiceId, p.id), eq(events.externalId, "invoice:R-1:paid")));
    const [firstEntry] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.eventId, firstEvent!.id));
    const [reversal] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.reversesEntryId, firstEntry!.id));
    expect(reversal).toMatchObject({ kind: "reversal", points: -10 });
    // The same revised file again, and the same lines on another date: nothing.
    const again = (await importCsvWithCopy(
      p.admin,
      file(["M-13,R-1,2026-05-01,paid,CLEAN,100.00", "M-13,R-1,2026-05-01,paid,XRAY,40.00"]),
    ))!;
    expect(again).toMatchObject({ imported: 0, revised: 0, skipped: 1, points: 0 });
    const redated = await importInvoices({
      ctx: p.admin,
      input: [
        {
          externalMemberId: "M-13",
          invoiceId: "R-1",
          date: "2026-05-09",
          status: "paid",
          lines: [
            { code: "XRAY", amount: "40" },
            { code: "CLEAN", amount: "100.00" },
          ],
        },
      ],
    });
    expect(redated).toMatchObject({ imported: 0, revised: 0, skipped: 1, points: 0 });
    // The JSON endpoint revises too; a void then reverses the latest revision only.
    const json = await importInvoices({
      ctx: p.admin,
      input: [
        { externalMemberId: "M-13", invoiceId: "R-1", date: "2026-05-10", status: "paid", lines: [{ code: "CLEAN", amount: "250.00" }] },
      ],
    });
    expect(json).toMatchObject({ imported: 1, revised: 1, points: -14 + 25 });
    const voided = await importInvoices({
      ctx: p.admin,
      input: [{ externalMemberId: "M-13", invoiceId: "R-1", date: "2026-05-11", status: "voided" }],
    });
    expect(voided).toMatchObject({ imported: 1, points: -25 });
    expect(await balanceOf("M-13")).toBe(0);
    await balancesMatch();
  });

  it("events.record refuses a reused event id with another payload, naming what differs", async () => {
    const input = {
      id: "visit-77",
      type: "visit.checked_in" as const,
      at: "2026-05-01T10:00:00.000Z",
      member: idOf.get("M-14")!,
      visit: { method: "card" as const },
    };
    const integration = { ...p.system, actor: { kind: "integration" as const, id: "key-1" } };
    expect((await recordEvent({ ctx: integration, input })).duplicate).toBe(false);
    expect((await recordEvent({ ctx: integration, input })).duplicate).toBe(true);
    await expect(recordEvent({ ctx: integration, input: { ...input, at: "2026-05-02T10:00:00.000Z" } })).rejects.toMatchObject({
      code: "CONFLICT",
      details: { differs: ["at"] },
    });
  });

  it("four imports of the same file at once award every invoice once", async () => {
    const rows: string[] = [];
    let expected = 0;
    for (let i = 0; i < 600; i++) {
      const cents = 2000 + ((i * 7919) % 9000);
      expected += Math.floor(cents / 1000);
      rows.push(`M-${20 + (i % 20)},D-${i},2026-06-${String(1 + (i % 28)).padStart(2, "0")},paid,CLEAN,${(cents / 100).toFixed(2)}`);
    }
    const before = await ledger();
    const results = await Promise.all(Array.from({ length: 4 }, () => importCsvWithCopy(p.admin, file(rows))));
    expect(results.reduce((s, r) => s + r!.imported, 0)).toBe(600);
    expect(results.reduce((s, r) => s + r!.points, 0)).toBe(expected);
    expect((await ledger()).points - before.points).toBe(expected);
    const [recorded] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(and(eq(events.practiceId, p.id), sql`${events.externalId} like 'invoice:D-%'`));
    expect(recorded!.n).toBe(600);
    await balancesMatch();
  });

  it("an import racing with the same invoices recorded one by one awards each once", async () => {
    const rows: string[] = [];
    for (let i = 0; i < 300; i++)
      rows.push(`M-${i % 10},F-${i},2026-08-${String(1 + (i % 28)).padStart(2, "0")},paid,CLEAN,${20 + (i % 50)}.00`);
    const expected = rows.reduce((s, r) => s + Math.floor(Number(r.split(",")[5]) / 10), 0);
    const before = await ledger();
    const oneByOne = rows.filter((_, i) => i % 3 === 0);
    const [imported, ...single] = await Promise.all([
      importCsvWithCopy(p.admin, file(rows)),
      ...oneByOne.map((r) => {
        const [member, invoice, date, , code, amount] = r.split(",");
        return recordEvent({
          ctx: p.system,
          input: {
            id: `invoice:${invoice}:paid`,
            type: "invoice.paid",
            at: `${date}T12:00:00.000Z`,
            member: idOf.get(member!)!,
            invoice: { id: invoice!, lines: [{ code: code!, amount: amount! }] },
          },
        });
      }),
    ]);
    expect(imported!.imported + single.filter((s) => !s.duplicate).length).toBe(rows.length);
    expect((await ledger()).points - before.points).toBe(expected);
    await balancesMatch();
  });

  it("reads plain files as csv-parse does: blank lines counted, short rows, an invoice repeated later", async () => {
    const r = (await importCsvWithCopy(p.admin, () =>
      Readable.from([
        "member_id,invoice_id,date,status,code,amount\r\n",
        "M-31,G-1,2026-07-01,paid,CLEAN,10.00\r\n",
        "\r\n",
        "M-31,G-2,2026-07-01,paid,CLEAN\r\n", // line 4: no amount
        "M-31,G-3,2026-07-02,paid,CLEAN,20.00\r\n",
        "M-31,G-1,2026-07-03,paid,XRAY,30.00", // line 6: G-1 again, later, other lines: a revision; no final newline
      ]),
    ))!;
    expect(r).toMatchObject({ rows: 4, invoices: 4, imported: 3, revised: 1, skipped: 0, points: 1 + 2 - 1 + 3, errorCount: 1 });
    expect(r.errors).toEqual([{ row: 4, message: 'amount must be a dollar amount like 125.00 (got "")' }]);
  });

  it("leaves files with quotes or blank lines to the csv-parse reader, writing nothing", async () => {
    const before = await ledger();
    const runs = async () => (await query<{ n: number }>(t.db, sql`select count(*)::int n from import_runs`))[0]!.n;
    const runsBefore = await runs();
    const cases = [
      file(['M-30,E-1,2026-07-01,paid,"CLEAN",10.00'], '"member_id",invoice_id,date,status,code,amount'), // quoted header
      () =>
        Readable.from([
          'member_id,invoice_id,date,status,code,amount\nM-30,E-1,2026-07-01,paid,"CLEAN",10.00\n\nM-30,E-2,2026-07-01,paid,CLEAN,10.00\n',
        ]), // blank line
      file(['M-30,E-1,2026-07-01,paid,"CLEAN",10.00,extra']), // ragged
      file(['M-30,E-1,2026-07-01,paid,"CLE\nAN",10.00']), // a record over two lines
      file(['M-30,E-1,2026-07-01,paid,"CLEAN",10.00', "M-30,E-2,2026-07-01,paid,CLEAN,10.00", "M-30,E-1,2026-07-01,paid,XRAY,10.00"]), // lines apart
      () => Readable.from(["\nmember_id,invoice_id,date,status,code,amount\nM-30,E-1,2026-07-01,paid,CLEAN,10.00\n"]), // blank line before the header
    ];
    for (const open of cases) expect(await importCsvWithCopy(p.admin, open)).toBeNull();
    expect(await runs()).toBe(runsBefore);
    expect(await ledger()).toEqual(before);
  });
});
