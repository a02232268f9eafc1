// One write pipeline, proven by its doors (PostgreSQL): random streams of invoices, revisions,
// voids, redemptions, check-ins and surveys, each event sent through a door chosen at random (the JSON
// import, the CSV plain reader, recordEvents with the COPY store strategy, processEvent, the desk's
// recordVisit, the kiosk batcher, the kiosk's single path), give exactly the rows that the same
// stream recorded one by one with processEvent gives: events, ledger entries (kind, points, rule,
// rule version, explanation, the entry a reversal names), balances and engine states.

import { Readable } from "node:stream";
import { events, ledgerEntries, memberBalances, members } from "@tally/db";
import { asc, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kioskCheckInBatched } from "../checkin/batch-check-in.ts";
import { recordVisit } from "../checkin/check-in.ts";
import { kioskCheckIn } from "../checkin/kiosk-check-in.ts";
import type { Ctx } from "../context.ts";
import { importInvoices } from "../imports/import-invoices.ts";
import { importPlainCsv } from "../imports/import-plain-csv.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import { loadMemberStates } from "./member-states.ts";
import { processEvent } from "./process-event.ts";
import { recordEvents } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";

const rules = `
earn "Spend" on invoice.paid {
  rate 1 point per $10
}
reward "First visit" on invoice.paid when member.paid_invoices = 1 {
  award 50 points
  accumulate better_choice
}
reward "Check-in" on visit.checked_in { award 10 points limit once per day }
reward "Every visit" on visit.checked_in { award 3 points }
milestone "Keep it up" unlimited {
  every 2 perfect surveys award 25 points
}
`;

type Op =
  | { kind: "paid"; member: number; cents: number }
  | { kind: "void"; member: number; of: number }
  /** The same invoice id paid again with other lines (a revision, SPEC 5). */
  | { kind: "revise"; member: number; of: number; cents: number }
  | { kind: "checkin"; member: number }
  | { kind: "survey"; member: number; perfect: boolean }
  | { kind: "redeem"; member: number; points: number };

const MEMBERS = 3;
const member = fc.integer({ min: 0, max: MEMBERS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("paid" as const), member, cents: fc.integer({ min: 100, max: 40_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("void" as const), member, of: fc.nat(29) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("revise" as const), member, of: fc.nat(29), cents: fc.integer({ min: 100, max: 40_000 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("checkin" as const), member }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("survey" as const), member, perfect: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("redeem" as const), member, points: fc.integer({ min: 1, max: 60 }) }) },
);
/** Per op: which door (taken modulo the doors that accept it). */
const stream = fc.array(fc.tuple(op, fc.nat(5)), { minLength: 1, maxLength: 30 });

interface Practice {
  id: string;
  system: Ctx;
  admin: Ctx;
  kiosk: Ctx;
  members: { id: string; externalId: string; card: string }[];
}

const at = (k: number) => new Date(Date.UTC(2026, 2, 1 + Math.floor(k / 3), 9 + (k % 3) * 3)).toISOString();

describe("every door records what processEvent records (postgres)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 16 });
  });
  afterAll(() => t?.dispose());

  let tag = 0;
  async function practice(): Promise<Practice> {
    const p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    tag++;
    const rows = await makeMembers(
      t,
      p.id,
      Array.from({ length: MEMBERS }, (_, i) => ({ externalId: `E${tag}-${i}`, cardNumber: `${tag}${i}0000${i}` })),
    );
    return {
      id: p.id,
      system: p.system,
      admin: p.admin,
      kiosk: { ...p.kiosk, actor: { kind: "kiosk", id: `kiosk-${tag}` } },
      members: rows.map((m) => ({ id: m.id, externalId: m.externalId!, card: m.cardNumber! })),
    };
  }

  /** The event an op stands for in practice p (check-ins get their id from the door). */
  function eventOf(p: Practice, o: Op, k: number, paidAt: Map<number, number>): EventInput | null {
    const m = p.members[o.member]!;
    switch (o.kind) {
      case "paid":
        return {
          id: `invoice:I${k}:paid`,
          type: "invoice.paid",
          at: at(k),
          member: m.id,
          invoice: { id: `I${k}`, lines: [{ code: "CLEAN", amount: (o.cents / 100).toFixed(2) }] },
        } as EventInput;
      case "void": {
        // Void an earlier invoice of this member, if any (else nothing happens).
        const earlier = [...paidAt].filter(([, mem]) => mem === o.member).map(([i]) => i);
        if (earlier.length === 0) return null;
        const i = earlier[o.of % earlier.length]!;
        return { id: `invoice:I${i}:voided`, type: "invoice.voided", at: at(k), member: m.id, invoice: { id: `I${i}` } } as EventInput;
      }
      case "revise": {
        const earlier = [...paidAt].filter(([, mem]) => mem === o.member).map(([i]) => i);
        if (earlier.length === 0) return null;
        const i = earlier[o.of % earlier.length]!;
        return {
          id: `invoice:I${i}:paid`,
          type: "invoice.paid",
          at: at(k),
          member: m.id,
          invoice: { id: `I${i}`, lines: [{ code: "XRAY", amount: (o.cents / 100).toFixed(2) }] },
        } as EventInput;
      }
      case "survey":
        return {
          id: `survey:${k}`,
          type: "survey.submitted",
          at: at(k),
          member: m.id,
          survey: { answers: [o.perfect, true] },
        } as EventInput;
      case "redeem":
        return { id: `redeem:${k}`, type: "points.redeemed", at: at(k), member: m.id, redemption: { points: o.points } } as EventInput;
      case "checkin":
        return null;
    }
  }

  async function oneByOne(p: Practice, ops: Op[]) {
    const paidAt = new Map<number, number>();
    for (const [k, o] of ops.entries()) {
      if (o.kind === "checkin") {
        const [m] = await t.db.select().from(members).where(eq(members.id, p.members[o.member]!.id));
        await t.db.transaction((tx) => recordVisit(tx, p.system, { member: m!, method: "card", at: new Date(at(k)) }));
        continue;
      }
      const e = eventOf(p, o, k, paidAt);
      if (o.kind === "paid") paidAt.set(k, o.member);
      if (e) await t.db.transaction((tx) => processEvent(tx, p.system, e));
    }
  }

  async function throughDoors(p: Practice, ops: [Op, number][]) {
    const paidAt = new Map<number, number>();
    for (const [k, [o, door]] of ops.entries()) {
      const m = p.members[o.member]!;
      if (o.kind === "checkin") {
        const when = new Date(at(k));
        const d = door % 3;
        if (d === 0) {
          const [row] = await t.db.select().from(members).where(eq(members.id, m.id));
          await t.db.transaction((tx) => recordVisit(tx, p.system, { member: row!, method: "card", at: when }));
        } else if (d === 1) {
          const r = await kioskCheckInBatched(p.kiosk, { method: "card", cardNumber: m.card }, { qrSecret: "s", now: when });
          expect(r.status).toBe("checked_in");
        } else await kioskCheckIn({ ctx: p.kiosk, input: { memberId: m.id, method: "card", at: when } });
        continue;
      }
      const e = eventOf(p, o, k, paidAt);
      if (o.kind === "paid") paidAt.set(k, o.member);
      if (!e) continue;
      const invoice = o.kind === "paid" || o.kind === "void" || o.kind === "revise";
      const d = door % (invoice ? 5 : 2);
      if (d === 0) await t.db.transaction((tx) => processEvent(tx, p.system, e));
      else if (d === 1) await t.db.transaction((tx) => recordEvents(tx, p.system, [e], { strategy: "copy", source: "test" }));
      else if (d === 2) {
        const r = await importInvoices({
          ctx: p.admin,
          input: [
            {
              externalMemberId: m.externalId,
              invoiceId: e.invoice!.id,
              date: e.at,
              status: e.type === "invoice.paid" ? "paid" : "voided",
              lines: e.invoice!.lines ?? [],
            },
          ],
        });
        expect(r.rowErrors).toEqual([]);
      } else {
        // The CSV doors: the plain reader, or a quoted file that only csv-parse reads (null here).
        const line =
          e.type === "invoice.paid"
            ? `${m.externalId},${e.invoice!.id},${e.at},paid,${e.invoice!.lines![0]!.code},${e.invoice!.lines![0]!.amount}`
            : `${m.externalId},${e.invoice!.id},${e.at},voided,,`;
        const r = await importPlainCsv(p.admin, () => Readable.from([`member_id,invoice_id,date,status,code,amount\n${line}\n`]));
        expect(r).toMatchObject({ errorCount: 0 });
      }
    }
  }

  /** Everything the pipeline wrote, with database ids replaced by positions so two practices compare. */
  async function written(p: Practice) {
    const evs = await t.db.select().from(events).where(eq(events.practiceId, p.id)).orderBy(asc(events.at), asc(events.type));
    const position = new Map(evs.map((e, i) => [e.id, i]));
    const canon = (value: unknown) =>
      JSON.parse(
        JSON.stringify(value ?? null)
          .replace(/checkin:[0-9a-f-]{36}/g, "checkin")
          .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) =>
            position.has(id)
              ? `event#${position.get(id)}`
              : p.members.findIndex((m) => m.id === id) + 1
                ? `member#${p.members.findIndex((m) => m.id === id)}`
                : "id",
          ),
      );
    const entries = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.practiceId, p.id));
    const entryKey = new Map(entries.map((e) => [e.id, `${position.get(e.eventId!)}:${e.ruleName}`]));
    const ledger = entries
      .map((e) => ({
        event: position.get(e.eventId!),
        member: p.members.findIndex((m) => m.id === e.memberId),
        kind: e.kind,
        points: e.points,
        rule: e.ruleName,
        versioned: e.ruleSetVersionId !== null,
        explanation: canon(e.explanation),
        reverses: e.kind === "reversal" ? (entryKey.get(e.reversesEntryId!) ?? "missing") : null,
      }))
      .sort((a, b) => a.event! - b.event! || a.member - b.member || `${a.kind}${a.rule}`.localeCompare(`${b.kind}${b.rule}`));
    const balances = [];
    const states = [];
    for (const m of p.members) {
      const [b] = await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, m.id));
      expect(b?.balance ?? 0).toBe(await ledgerSum(t.db, p.id, m.id));
      balances.push(b?.balance ?? 0);
      // The state with every invoice record (their own rows).
      const { states: loaded } = await loadMemberStates(t.db, p.id, [m.id], { all: true });
      states.push(canon(loaded.get(m.id)));
    }
    return {
      events: evs.map((e) => ({ type: e.type, at: e.at.toISOString(), payload: canon(e.payload), outcome: canon(e.outcome) })),
      ledger,
      balances,
      states,
    };
  }

  it("random streams through random doors equal the same streams one by one", { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(stream, async (ops) => {
        const [doors, reference] = [await practice(), await practice()];
        await throughDoors(doors, ops);
        await oneByOne(
          reference,
          ops.map(([o]) => o),
        );
        const [a, b] = [await written(doors), await written(reference)];
        expect(a.ledger).toEqual(b.ledger);
        expect(a.balances).toEqual(b.balances);
        expect(a.states).toEqual(b.states);
        expect(a.events.map((e) => ({ ...e, payload: { ...e.payload, visit: undefined } }))).toEqual(
          b.events.map((e) => ({ ...e, payload: { ...e.payload, visit: undefined } })),
        );
      }),
      { numRuns: Number(process.env.EQUIVALENCE_RUNS ?? 200) },
    );
  });
});
