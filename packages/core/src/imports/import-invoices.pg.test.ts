// Exactly-once under concurrency, on real PostgreSQL: the same invoices imported by several
// imports at once, and recorded one by one by recordEvent while an import runs.

import { ledgerEntries, memberBalances } from "@tally/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { type InvoiceRow, importInvoices } from "./import-invoices.ts";

describe("invoice import under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 16 });
    p = await makePractice(t);
    await saveRuleSet({
      ctx: p.admin,
      input: { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true },
    });
  });
  afterAll(() => t?.dispose());

  const rowsFor = (prefix: string, members: number, perMember: number): InvoiceRow[] =>
    Array.from({ length: members * perMember }, (_, i) => ({
      externalMemberId: `${prefix}-${i % members}`,
      invoiceId: `${prefix}-inv-${i}`,
      date: `2026-0${1 + (i % 9)}-${String(1 + (i % 27)).padStart(2, "0")}`,
      status: "paid" as const,
      lines: [{ code: "CLEAN", amount: `${20 + (i % 90)}.00` }],
    }));
  const expected = (rows: InvoiceRow[]) => rows.reduce((s, r) => s + Math.floor(Number(r.lines![0]!.amount) / 10), 0);
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

  it("four imports of the same file at once award every invoice once", async () => {
    await makeMembers(
      t,
      p.id,
      Array.from({ length: 250 }, (_, i) => ({ externalId: `C-${i}` })),
    );
    const rows = rowsFor("C", 250, 8);
    const results = await Promise.all(Array.from({ length: 4 }, () => importInvoices({ ctx: p.admin, input: rows })));
    expect(results.reduce((s, r) => s + r.imported, 0)).toBe(rows.length);
    expect(results.reduce((s, r) => s + r.points, 0)).toBe(expected(rows));
    expect(await ledger()).toEqual({ n: rows.length, points: expected(rows) });
    await balancesMatch();
  });

  it("an import racing with the same events recorded one by one awards each once", async () => {
    const before = await ledger();
    const ms = await makeMembers(
      t,
      p.id,
      Array.from({ length: 120 }, (_, i) => ({ externalId: `D-${i}` })),
    );
    const idOf = new Map(ms.map((m) => [m.externalId!, m.id]));
    const rows = rowsFor("D", 120, 5);
    const oneByOne = rows.filter((_, i) => i % 3 === 0);
    const [imported, ...single] = await Promise.all([
      importInvoices({ ctx: p.admin, input: rows }),
      ...oneByOne.map((r) =>
        recordEvent({
          ctx: p.system,
          input: {
            id: `invoice:${r.invoiceId}:paid`,
            type: "invoice.paid",
            at: `${r.date}T12:00:00.000Z`,
            member: idOf.get(r.externalMemberId)!,
            invoice: { id: r.invoiceId, lines: r.lines! },
          },
        }),
      ),
    ]);
    expect(imported.imported + single.filter((s) => !s.duplicate).length).toBe(rows.length);
    const after = await ledger();
    expect(after.n - before.n).toBe(rows.length);
    expect(after.points - before.points).toBe(expected(rows));
    await balancesMatch();
  });
});
