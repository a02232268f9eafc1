// Engine states that do not grow with history: each paid invoice's record lives in its own row,
// the state row holds `invoices: {}`, and the pipeline reads back the records its events name, so a
// void or a revision years later still takes back exactly what the invoice gave, across a merge too.
import { memberBalances, memberEngineStates } from "@tally/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeMembers } from "../members/merge-members.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { loadMemberStates } from "./member-states.ts";
import { recordEvent } from "./record-event.ts";
import { recordEvents } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";

const rules = `
tiers by spend over 12 months {
  tier "Member" from $0
  tier "Gold" from $1000 multiplier 2
}

earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
}
`;

const DAY = 24 * 3600 * 1000;
const start = Date.UTC(2021, 0, 1, 10);

describe("invoice records in their own rows", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  let bob: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    [ana, bob] = (
      await makeMembers(t, p.id, [
        { firstName: "Ana", lastName: "Bell" },
        { firstName: "Bob", lastName: "Dunn" },
      ])
    ).map((m) => m.id) as [string, string];
  });
  afterAll(() => t?.dispose());

  const record = (input: EventInput) => recordEvent({ ctx: p.system, input: input as never });
  const tenAm = (date: string) => `${date}T10:00:00.000Z`;
  /** An invoice paid at `at`, one line of `amount` dollars. */
  const paid = (eventId: string, member: string, invoiceId: string, amount: string, at: string): EventInput => ({
    id: eventId,
    type: "invoice.paid",
    at,
    member,
    invoice: { id: invoiceId, lines: [{ code: "A", amount }] },
  });
  const voided = (eventId: string, member: string, invoiceId: string, at: string): EventInput => ({
    id: eventId,
    type: "invoice.voided",
    at,
    member,
    invoice: { id: invoiceId },
  });
  const balance = async (id: string) =>
    Number((await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, id)))[0]?.balance ?? 0);
  const stateBytes = async (id: string) =>
    JSON.stringify((await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, id)))[0]!.state).length;
  const rowCount = async (id: string) =>
    Number(
      (await query<{ n: number }>(t.db, sql`select count(*)::int as n from member_engine_invoices where member_id = ${id}::uuid`))[0]!.n,
    );

  it("500 invoices over 5 years: a small state, and a void of the first takes back exactly its award", async () => {
    // $20 to $39 each, every 3.65 days (in batches of 100, as an import would).
    const invoices = Array.from({ length: 500 }, (_, i) =>
      paid(`pay-${i + 1}`, ana, `I${i + 1}`, `${20 + (i % 20)}.00`, new Date(start + Math.round(i * 3.65 * DAY)).toISOString()),
    );
    const first: { points: number }[] = [];
    for (let i = 0; i < 500; i += 100) {
      const out = await t.db.transaction((tx) => recordEvents(tx, p.system, invoices.slice(i, i + 100)));
      if (i === 0) first.push(...out[0]!.awards);
    }
    expect(first).toEqual([expect.objectContaining({ rule: "Spend", points: 20 })]);
    expect(await rowCount(ana)).toBe(500);
    expect(await stateBytes(ana)).toBeLessThan(1500);
    const { states } = await loadMemberStates(t.db, p.id, [ana], { invoiceIds: ["I1"] });
    expect(Object.keys(states.get(ana)!.invoices)).toEqual(["I1"]);

    const before = await balance(ana);
    const voidedOnce = await record(voided("void-1", ana, "I1", tenAm("2026-01-15")));
    expect(voidedOnce.reversals.map((r) => [r.rule, r.points])).toEqual([["Spend", -20]]);
    expect(await balance(ana)).toBe(before - 20);
    // Voided once: a second void takes nothing more.
    const again = await record(voided("void-1b", ana, "I1", tenAm("2026-01-16")));
    expect(again.reversals).toEqual([]);
    const row = (
      await query<{ record: { voided?: boolean } }>(t.db, sql`select record from member_engine_invoices where invoice_id = 'I1'`)
    )[0]!;
    expect(row.record.voided).toBe(true);
    expect(await stateBytes(ana)).toBeLessThan(1500);
  });

  it("a revision reverses the previous lines' award and awards the new ones", async () => {
    const before = await balance(ana);
    // I500 was paid $39 (i = 499, 20 + 499 % 20); Gold (over $1000 in the window) doubles new awards.
    const revised = await record(paid("pay-500", ana, "I500", "50.00", tenAm("2026-01-20")));
    expect(revised.reversals.map((r) => r.rule)).toEqual(["Spend"]);
    // $39 at Gold's multiplier of 2 (over $1000 in the window then).
    expect(revised.reversals.map((r) => r.points)).toEqual([-78]);
    expect(revised.awards.map((a) => [a.rule, a.points])).toEqual([["Spend", 100]]);
    expect(await balance(ana)).toBe(before - 78 + 100);
  });

  it("a merge moves the duplicate's invoice records to the survivor, whose own stay voidable", async () => {
    await record(paid("bob-1", bob, "B1", "30.00", tenAm("2026-02-01")));
    await mergeMembers({ ctx: p.admin, input: { sourceId: bob, targetId: ana } });
    expect(await rowCount(bob)).toBe(0);
    expect(await rowCount(ana)).toBe(501);
    // The duplicate's record is the survivor's now, with what it awarded (what a void takes back).
    const { states } = await loadMemberStates(t.db, p.id, [ana], { invoiceIds: ["B1", "I2"] });
    expect(states.get(ana)!.invoices.B1).toMatchObject({ total: 3000, awards: [{ rule: "Spend", points: 30 }] });
    expect(states.get(ana)!.invoices.I2).toMatchObject({ total: 2100, awards: [{ rule: "Spend", points: 21 }] });
    const before = await balance(ana);
    const anasVoid = await record(voided("void-2", ana, "I2", tenAm("2026-02-03")));
    // I2 was paid $21 (i = 1).
    expect(anasVoid.reversals.map((r) => [r.rule, r.points])).toEqual([["Spend", -21]]);
    expect(await balance(ana)).toBe(before - 21);
    // The duplicate's invoice, voided after the merge: the survivor's reversal names the entry
    // booked to the merged-away record.
    const bobsVoid = await record(voided("void-b1", ana, "B1", tenAm("2026-02-04")));
    expect(bobsVoid.reversals.map((r) => [r.rule, r.points])).toEqual([["Spend", -30]]);
    expect(await balance(ana)).toBe(before - 21 - 30);
    const [link] = await query<{ reverses_member: string }>(
      t.db,
      sql`select a.member_id as reverses_member from ledger_entries r join ledger_entries a on a.id = r.reverses_entry_id
          where r.practice_id = ${p.id}::uuid and r.kind = 'reversal' and r.explanation->>'reverses' is not null
            and r.event_id = (select id from events where practice_id = ${p.id}::uuid and external_id = 'void-b1')`,
    );
    expect(link?.reverses_member).toBe(bob);
  });
});
