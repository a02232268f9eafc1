// SPEC 7 through the product: expirations become `expiry` ledger entries (before a member's
// events, and by the sweep over next_expiry_at), tier changes are recorded with their reason,
// awards keep their `available` date, merges keep both members' lots, and the cached balance
// always equals the ledger sum.
import { auditLog, ledgerEntries, memberBalances, memberEngineStates, practices } from "@tally/db";
import type { MemberState } from "@tally/rules";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/backtest.ts";
import { DomainError } from "../errors.ts";
import { appendEntries, ledgerSum } from "../ledger/append.ts";
import { standingOf } from "../members/member-overview.ts";
import { mergeMembers } from "../members/merge-members.ts";
import { membersPerTier } from "../reports/reports.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { creditEngineState, expireDueMembers, expiringSoon, pointsDueOnSwitchOn, runExpirySweep } from "./expire-due.ts";
import { loadMemberStates, tierWindowFrom } from "./member-states.ts";
import { loadSetup } from "./program.ts";
import { recordEvent } from "./record-event.ts";
import { throwIfRejected } from "./rejections.ts";

const rules = `
expire points 12 months after earning

tiers by spend over 12 months {
  tier "Member" from $0
  tier "Gold" from $100 multiplier 2
}

earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
  available after 14 days
}

reward "Visit" on visit.checked_in {
  award 5 points
}
`;

describe("expiry, tiers and available dates through the ledger", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  let bob: string;
  let carl: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    [ana, bob, carl] = (
      await makeMembers(t, p.id, [
        { firstName: "Ana", lastName: "Bell" },
        { firstName: "Bob", lastName: "Dunn" },
        { firstName: "Carl", lastName: "Dunn" },
      ])
    ).map((m) => m.id) as [string, string, string];
  });
  afterAll(() => t?.dispose());

  const paid = (member: string, id: string, at: string, amount: string) =>
    recordEvent({
      ctx: p.system,
      input: { id, type: "invoice.paid", at, member, invoice: { id, lines: [{ code: "A", amount }] } } as never,
    });
  const visit = (member: string, id: string, at: string) =>
    recordEvent({ ctx: p.system, input: { id, type: "visit.checked_in", at, member, visit: { method: "card" } } as never });
  const cached = async (id: string) => (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, id)))[0]!.balance;
  const nextExpiry = async (id: string) =>
    (await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, id)))[0]?.nextExpiryAt ?? null;
  const expiries = (id: string) =>
    t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.memberId, id), eq(ledgerEntries.kind, "expiry")))
      .orderBy(ledgerEntries.at);
  const balanced = async (id: string) => {
    const sum = await ledgerSum(t.db, p.id, id);
    expect(await cached(id)).toBe(sum);
    return sum;
  };

  it("records tier changes with their reason and the awards' available date", async () => {
    const first = await paid(ana, "a-i1", "2026-01-10T10:00:00Z", "100.00");
    expect(first.awards).toMatchObject([{ points: 100, available: "2026-01-24T10:00:00.000Z" }]);
    expect(first.tiers).toEqual([{ member: ana, tier: "Member", from: null, value: 0 }]);
    const [entry] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.eventId, first.eventId));
    expect(entry!.explanation).toMatchObject({ rule: "Spend", available: "2026-01-24T10:00:00.000Z" });

    // $100 in the window: Gold from this visit on, and the next invoice earns double.
    const v = await visit(ana, "a-v1", "2026-02-01T10:00:00Z");
    expect(v.tiers).toEqual([{ member: ana, tier: "Gold", from: "Member", value: 10000 }]);
    const second = await paid(ana, "a-i2", "2026-02-15T10:00:00Z", "10.00");
    expect(second.awards).toMatchObject([{ points: 20 }]);
    expect(second.tiers).toBeUndefined();

    const changes = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, p.id), eq(auditLog.action, "member.tier_changed"), eq(auditLog.targetId, ana)))
      .orderBy(auditLog.at);
    expect(changes.map((c) => c.details)).toEqual([
      { event: first.eventId, at: "2026-01-10T10:00:00.000Z", tier: "Member", from: null, value: 0 },
      { event: v.eventId, at: "2026-02-01T10:00:00.000Z", tier: "Gold", from: "Member", value: 10000 },
    ]);
    expect(await balanced(ana)).toBe(125);
    // What apps show as of a moment: the tier and the next one, the next points to expire, points not yet available.
    // (Under `tiers by spend` the window's invoice records are read from their own rows.)
    const { program } = await loadSetup(t.db, p.id);
    const stateAsOf = async (at: number) =>
      (await loadMemberStates(t.db, p.id, [ana], { tierWindowFrom: tierWindowFrom(program, at) })).states.get(ana)!;
    const asOf = Date.parse("2026-02-16T00:00:00Z");
    expect(Object.keys((await stateAsOf(asOf)).invoices).length).toBeGreaterThan(0);
    expect(standingOf(program, await stateAsOf(asOf), 125, asOf)).toEqual({
      tier: { name: "Gold", by: "spend", months: 12, value: 11000, multiplier: 200, next: null },
      expiring: [
        { points: 100, at: "2027-01-10T10:00:00.000Z" },
        { points: 5, at: "2027-02-01T10:00:00.000Z" },
        { points: 20, at: "2027-02-15T10:00:00.000Z" },
      ],
      notYetAvailable: [{ points: 20, at: "2026-03-01T10:00:00.000Z" }],
    });
    // As of a moment inside the first invoice's waiting time: Gold already (the window holds $100), 100 not yet available.
    expect(standingOf(program, await stateAsOf(Date.parse("2026-01-20T00:00:00Z")), 125, Date.parse("2026-01-20T00:00:00Z"))).toMatchObject(
      {
        tier: { name: "Gold", value: 10000, next: null },
        notYetAvailable: [
          { points: 100, at: "2026-01-24T10:00:00.000Z" },
          { points: 20, at: "2026-03-01T10:00:00.000Z" },
        ],
      },
    );
    // A lapsed window shows the lower tier before the next event.
    expect(
      standingOf(program, await stateAsOf(Date.parse("2027-03-01T00:00:00Z")), 125, Date.parse("2027-03-01T00:00:00Z")).tier,
    ).toMatchObject({
      name: "Member",
      value: 0,
      next: { tier: "Gold", needed: 10000 },
    });
    // Reports: members per tier as of a moment (the others have no event yet: the lowest tier).
    expect(await membersPerTier({ ctx: p.admin, now: new Date("2026-02-16T00:00:00Z") })).toEqual({
      by: "spend",
      months: 12,
      members: 3,
      tiers: [
        { tier: "Member", members: 2 },
        { tier: "Gold", members: 1 },
      ],
    });
    expect((await membersPerTier({ ctx: p.admin, now: new Date("2027-03-01T00:00:00Z") }))!.tiers[0]).toEqual({
      tier: "Member",
      members: 3,
    });
    // The sweep's index: the first lot, 12 months after it was earned.
    expect((await nextExpiry(ana))?.toISOString()).toBe("2027-01-10T10:00:00.000Z");
  });

  it("the sweep books what is due as expiry entries, once, and moves the index", async () => {
    const before = await t.db.transaction((tx) => expireDueMembers(tx, p.system, new Date("2027-01-10T09:59:59Z")));
    expect(before).toMatchObject({ members: 0, points: 0 });

    const swept = await runExpirySweep(t.db, new Date("2027-01-10T10:00:00Z"));
    expect(swept).toMatchObject({ members: 1, points: 100 });
    const [entry] = await expiries(ana);
    expect(entry).toMatchObject({ kind: "expiry", points: -100, eventId: null, at: new Date("2027-01-10T10:00:00Z") });
    expect(entry!.idempotencyKey).toMatch(/^sweep:.+:expiry:/);
    expect(entry!.explanation).toMatchObject({
      expired: 100,
      due: "2027-01-10T10:00:00.000Z",
      kind: "lot",
      earned: "2026-01-10T10:00:00.000Z",
    });
    expect(await balanced(ana)).toBe(25);
    expect((await nextExpiry(ana))?.toISOString()).toBe("2027-02-01T10:00:00.000Z");

    // Nothing more is due: running it again changes nothing.
    expect(await runExpirySweep(t.db, new Date("2027-01-10T10:00:00Z"))).toMatchObject({ members: 0, points: 0 });
    expect(await expiries(ana)).toHaveLength(1);
  });

  it("an event never sees points that were due: they expire before it, keyed by the event", async () => {
    const r = await visit(ana, "a-v2", "2027-03-01T10:00:00Z");
    expect(r.expirations).toEqual([
      { member: ana, points: -5, at: "2027-02-01T10:00:00.000Z", entryId: expect.any(String) },
      { member: ana, points: -20, at: "2027-02-15T10:00:00.000Z", entryId: expect.any(String) },
    ]);
    const entries = await expiries(ana);
    expect(entries.map((e) => [e.points, e.eventId, e.idempotencyKey])).toEqual([
      [-100, null, expect.stringMatching(/^sweep:/)],
      [-5, r.eventId, `ev:${r.eventId}:expiry:${ana}:1`],
      [-20, r.eventId, `ev:${r.eventId}:expiry:${ana}:2`],
    ]);
    // The tier lapsed with the window: back to Member at this visit.
    expect(r.tiers).toEqual([{ member: ana, tier: "Member", from: "Gold", value: 0 }]);
    expect(await balanced(ana)).toBe(5);
    // Replaying the event changes nothing.
    const again = await visit(ana, "a-v2", "2027-03-01T10:00:00Z");
    expect(again.duplicate).toBe(true);
    expect(await balanced(ana)).toBe(5);
  });

  it("a merge keeps both members' lots with their expiries", async () => {
    await visit(bob, "b-v1", "2026-05-01T10:00:00Z");
    await visit(carl, "c-v1", "2026-06-01T10:00:00Z");
    await mergeMembers({ ctx: p.admin, input: { sourceId: bob, targetId: carl } });
    const [row] = await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, carl));
    const lots = (row!.state as MemberState).lots!;
    expect(lots.map((l) => [new Date(l.exp).toISOString(), l.left])).toEqual([
      ["2027-05-01T10:00:00.000Z", 5],
      ["2027-06-01T10:00:00.000Z", 5],
    ]);
    expect(row!.nextExpiryAt?.toISOString()).toBe("2027-05-01T10:00:00.000Z");
    expect(await nextExpiry(bob)).toBeNull();
    expect(await balanced(carl)).toBe(10);
    // The digest's "points expiring": what falls due within 30 days, keyed by its first instant.
    expect(await expiringSoon(t.db, p.id, new Date("2027-04-10T00:00:00Z"))).toEqual([
      { memberId: carl, firstName: "Carl", points: 5, expiresAt: "2027-05-01T10:00:00.000Z" },
    ]);
    expect(await expiringSoon(t.db, p.id, new Date("2027-03-10T00:00:00Z"))).toEqual([]);
    // The duplicate's lot expires on the survivor at its own date.
    expect(await runExpirySweep(t.db, new Date("2027-05-15T00:00:00Z"))).toMatchObject({ members: 1, points: 5 });
    expect(await balanced(carl)).toBe(5);
    expect(await balanced(bob)).toBe(0);
  });

  it("nothing expires while the program is off; switching it on expires what fell due, and the admin is told first", async () => {
    await t.db.update(practices).set({ status: "off" }).where(eq(practices.id, p.id));
    const july = new Date("2027-07-01T00:00:00Z");
    expect(await runExpirySweep(t.db, july)).toMatchObject({ members: 0, points: 0 });
    expect(await pointsDueOnSwitchOn({ ctx: p.admin, now: july })).toEqual({ points: 5, members: 1 });
    await expect(pointsDueOnSwitchOn({ ctx: p.team, now: july })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await t.db.update(practices).set({ status: "on" }).where(eq(practices.id, p.id));
    expect(await runExpirySweep(t.db, july)).toMatchObject({ members: 1, points: 5 });
    expect(await pointsDueOnSwitchOn({ ctx: p.admin, now: july })).toEqual({ points: 0, members: 0 });
    expect(await balanced(carl)).toBe(0);
  });

  it("the backtest counts points expired and members entering each tier in its range", async () => {
    const r = await runBacktest({
      ctx: p.admin,
      input: { source: rules, from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-04-01T00:00:00Z") },
    });
    // Ana's three lots (the sweep's entry is not replayed twice: the replay expires its own lots).
    expect(r.active.expired).toBe(125);
    expect(r.active.tierChanges).toEqual([
      { tier: "Member", members: 4 },
      { tier: "Gold", members: 1 },
    ]);
    expect(r.difference.expired).toBe(0);
    const before = await runBacktest({
      ctx: p.admin,
      input: { source: rules, from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-01-10T10:00:00Z") },
    });
    expect(before.active.expired).toBe(0);
  });

  it("an invoice over $10,000,000 is refused whole with amount_out_of_range", async () => {
    const r = await paid(carl, "c-big", "2027-05-20T10:00:00Z", "10000000.01");
    expect(r.rejected).toEqual([{ member: carl, reason: "amount_out_of_range" }]);
    expect(r.awards).toEqual([]);
    let error: unknown;
    try {
      throwIfRejected(r);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "INVALID_INPUT", details: { reason: "amount_out_of_range" } });
    expect(await balanced(carl)).toBe(0);
  });

  it("a refund credited outside the events is a new lot dated at the refund", async () => {
    const at = new Date("2027-08-01T09:00:00Z");
    await t.db.transaction(async (tx) => {
      await appendEntries(tx, p.system, [{ memberId: carl, kind: "refund", points: 40, idempotencyKey: "refund-test", at }]);
      await creditEngineState(tx, p.system, carl, at, 40);
    });
    const [row] = await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, carl));
    const state = row!.state as MemberState;
    expect(state.lots!.map((l) => [new Date(l.exp).toISOString(), l.left])).toEqual([["2028-08-01T09:00:00.000Z", 40]]);
    expect(state.balance).toBe(40);
    expect(row!.nextExpiryAt?.toISOString()).toBe("2028-08-01T09:00:00.000Z");
    expect(await balanced(carl)).toBe(40);
    // With Ana's last visit's 5 points (due 2028-03-01).
    expect(await runExpirySweep(t.db, new Date("2028-08-01T09:00:00Z"))).toMatchObject({ members: 2, points: 45 });
    expect(await balanced(carl)).toBe(0);
    expect(await balanced(ana)).toBe(0);
  });
});
