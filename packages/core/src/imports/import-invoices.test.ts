import { ledgerEntries, memberBalances, members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertEligibleItems } from "../catalog/eligible-items.ts";
import { recordEvent } from "../events/record-event.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { type ImportProgress, type InvoiceRow, importInvoices } from "./import-invoices.ts";

const rules = `
earn "Spend" on invoice.paid {
  rate 1 point per $10
  minimum $20
}
reward "First visit" on invoice.paid when member.paid_invoices = 1 {
  award 50 points
  accumulate better_choice
}
earn "Lifetime" on invoice.paid {
  rate 1 point per $100
  mode total_spend
}
`;

function rowsFor(prefix: string, members: number, perMember: number): InvoiceRow[] {
  const rows: InvoiceRow[] = [];
  for (let m = 0; m < members; m++) {
    for (let i = 0; i < perMember; i++) {
      const day = String(1 + ((i * 3) % 27)).padStart(2, "0");
      rows.push({
        externalMemberId: `${prefix}-${m}`,
        invoiceId: `${prefix}-${m}-${i}`,
        date: `2026-0${1 + (i % 9)}-${day}`,
        status: "paid",
        lines: [
          { code: "CLEAN", amount: `${(37 * (m + 1) + 11 * i) % 400}.50` },
          { code: i % 2 ? "WHITEN" : "EUTH", amount: "25.00" },
        ],
      });
    }
  }
  // Void every fifth invoice of member 0 later in the year.
  for (let i = 0; i < perMember; i += 5)
    rows.push({ externalMemberId: `${prefix}-0`, invoiceId: `${prefix}-0-${i}`, date: "2026-12-01", status: "voided" });
  return rows;
}

describe("invoice import", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await upsertEligibleItems({
      ctx: p.admin,
      input: {
        items: [
          { code: "CLEAN", name: "Cleaning", enabled: true },
          { code: "WHITEN", name: "Whitening", enabled: true },
          { code: "EUTH", name: "Euthanasia" },
        ],
      },
    });
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    await makeMembers(
      t,
      p.id,
      Array.from({ length: 6 }, (_, i) => ({ externalId: `A-${i}` })),
    );
    await makeMembers(
      t,
      p.id,
      Array.from({ length: 6 }, (_, i) => ({ externalId: `B-${i}` })),
    );
  });
  afterAll(() => t?.dispose());

  it("reports bad rows by number while good rows import; re-import awards nothing twice", async () => {
    const rows: unknown[] = rowsFor("A", 6, 12);
    rows.splice(3, 0, {
      externalMemberId: "A-1",
      invoiceId: "bad-1",
      date: "yesterday",
      status: "paid",
      lines: [{ code: "X", amount: "1" }],
    });
    rows.splice(7, 0, {
      externalMemberId: "NOPE",
      invoiceId: "bad-2",
      date: "2026-01-01",
      status: "paid",
      lines: [{ code: "X", amount: "1.00" }],
    });
    rows.splice(9, 0, { externalMemberId: "A-2", invoiceId: "bad-3", date: "2026-01-01", status: "refunded" });
    const progress: ImportProgress[] = [];
    const first = await importInvoices({ ctx: p.admin, input: { rows }, onProgress: (x) => progress.push(x) });
    expect(first.rowErrors.map((e) => e.row)).toEqual([4, 8, 10]);
    expect(first.rowErrors[1]!.message).toContain("unknown member NOPE");
    expect(first.imported).toBe(rows.length - 3);
    expect(progress.at(-1)!.processed).toBe(rows.length);
    const second = await importInvoices({ ctx: p.admin, input: { rows } });
    expect(second.imported).toBe(0);
    expect(second.skipped).toBe(rows.length - 3);
    expect(second.points).toBe(0);
    const balances = await t.db.select().from(memberBalances).where(eq(memberBalances.practiceId, p.id));
    for (const b of balances) expect(b.balance).toBe(await ledgerSum(t.db, p.id, b.memberId));
  });

  it("imports an invoice listed twice for the same member once", async () => {
    await makeMembers(t, p.id, [{ externalId: "C-0" }]);
    const invoice = {
      externalMemberId: "C-0",
      invoiceId: "twice-1",
      date: "2026-02-02",
      status: "paid" as const,
      lines: [{ code: "CLEAN", amount: "120.00" }],
    };
    const r = await importInvoices({ ctx: p.admin, input: { rows: [invoice, { ...invoice }] } });
    expect(r.rowErrors).toEqual([]);
    expect(r.imported).toBe(1);
    expect(r.skipped).toBe(1);
    const [b] = await t.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.practiceId, p.id), eq(members.externalId, "C-0")));
    const balance = (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, b!.id)))[0]?.balance ?? 0;
    expect(balance).toBe(await ledgerSum(t.db, p.id, b!.id));
    expect(balance).toBeGreaterThan(0);
  });

  it("gives exactly what recording the same events one by one gives", async () => {
    const rows = rowsFor("B", 6, 12);
    await importInvoices({ ctx: p.admin, input: rows });
    // The same invoices for A-members were imported above; record B's again through recordEvent on a
    // fresh practice and compare entry by entry.
    const q = await makePractice(t);
    await upsertEligibleItems({
      ctx: q.admin,
      input: {
        items: [
          { code: "CLEAN", name: "Cleaning", enabled: true },
          { code: "WHITEN", name: "Whitening", enabled: true },
          { code: "EUTH", name: "Euthanasia" },
        ],
      },
    });
    await saveRuleSet({ ctx: q.admin, input: { source: rules, publish: true } });
    const twins = await makeMembers(
      t,
      q.id,
      Array.from({ length: 6 }, (_, i) => ({ externalId: `B-${i}` })),
    );
    const idOf = new Map(twins.map((m) => [m.externalId!, m.id]));
    const ordered = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.date.localeCompare(b.r.date) || a.i - b.i);
    for (const { r } of ordered) {
      await recordEvent({
        ctx: q.system,
        input:
          r.status === "paid"
            ? {
                id: `invoice:${r.invoiceId}:paid`,
                type: "invoice.paid",
                at: `${r.date}T12:00:00.000Z`,
                member: idOf.get(r.externalMemberId)!,
                invoice: { id: r.invoiceId, lines: r.lines },
              }
            : {
                id: `invoice:${r.invoiceId}:voided`,
                type: "invoice.voided",
                at: `${r.date}T12:00:00.000Z`,
                member: idOf.get(r.externalMemberId)!,
                invoice: { id: r.invoiceId },
              },
      });
    }
    const summary = async (practiceId: string) => {
      const rows = await t.db
        .select({
          ext: members.externalId,
          kind: ledgerEntries.kind,
          rule: ledgerEntries.ruleName,
          points: ledgerEntries.points,
          at: ledgerEntries.at,
        })
        .from(ledgerEntries)
        .innerJoin(members, eq(members.id, ledgerEntries.memberId))
        .where(and(eq(ledgerEntries.practiceId, practiceId)));
      return rows
        .filter((r) => r.ext?.startsWith("B-"))
        .map((r) => `${r.ext}|${r.kind}|${r.rule}|${r.points}|${r.at.toISOString()}`)
        .sort();
    };
    const imported = await summary(p.id);
    expect(imported.length).toBeGreaterThan(50);
    expect(imported.some((s) => s.includes("|reversal|"))).toBe(true);
    // Every reversal points at the entry it takes back.
    const reversals = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, p.id), eq(ledgerEntries.kind, "reversal")));
    expect(reversals.length).toBeGreaterThan(0);
    for (const r of reversals) {
      const [original] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.id, r.reversesEntryId!));
      expect(original).toMatchObject({ memberId: r.memberId, ruleName: r.ruleName, points: -r.points });
    }
    expect(imported).toEqual(await summary(q.id));
  });
});
