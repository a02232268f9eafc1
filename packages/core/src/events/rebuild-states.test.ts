// Rebuilding engine states by replaying recorded events: the same states the pipeline built,
// again and again (idempotent), a merged duplicate's history included, the ledger untouched.
import { ledgerEntries, memberEngineStates } from "@tally/db";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerSum } from "../ledger/append.ts";
import { mergeMembers } from "../members/merge-members.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { loadMemberStates } from "./member-states.ts";
import { rebuildPracticeStates } from "./rebuild-states.ts";
import { recordEvent } from "./record-event.ts";

const rules = `
expire points 12 months after earning

tiers by visits over 12 months {
  tier "Member" from 0
  tier "Regular" from 2 multiplier 1.5
}

earn "Lifetime" on invoice.paid when member has tag "vip" {
  rate 1 point per $10
  mode total_spend
  items all
}

earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
}

reward "Visit" on visit.checked_in {
  award 5 points
}
`;

describe("rebuilding engine states from recorded events", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ids: string[];
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    ids = (
      await makeMembers(t, p.id, [
        { firstName: "Ana", lastName: "Bell", tags: ["vip"] },
        { firstName: "Bob", lastName: "Dunn" },
        { firstName: "Carl", lastName: "Eyre" },
        { firstName: "Dave", lastName: "Eyre" },
      ])
    ).map((m) => m.id);
  });
  afterAll(() => t?.dispose());

  const record = (input: Record<string, unknown>) => recordEvent({ ctx: p.system, input: input as never });
  // Each state with all its invoice records (their own rows).
  const statesNow = async () => {
    const rows = await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.practiceId, p.id));
    const { states } = await loadMemberStates(
      t.db,
      p.id,
      rows.map((r) => r.memberId),
      { all: true },
    );
    return new Map(rows.map((r) => [r.memberId, { state: states.get(r.memberId)!, next: r.nextExpiryAt?.toISOString() ?? null }]));
  };
  const entryCount = async () => (await t.db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.practiceId, p.id)))[0]!.n;

  it("replays each member's events into the state the pipeline built, and again to the same", async () => {
    const [ana, bob, carl, dave] = ids as [string, string, string, string];
    let k = 0;
    const at = (day: number) => new Date(Date.UTC(2026, 0, day, 10)).toISOString();
    for (const [member, day] of [
      [ana, 1],
      [bob, 2],
      [ana, 3],
      [carl, 4],
      [dave, 5],
    ] as const) {
      await record({ id: `v${++k}`, type: "visit.checked_in", at: at(day), member, visit: { method: "card" } });
      await record({
        id: `i${k}`,
        type: "invoice.paid",
        at: at(day),
        member,
        invoice: { id: `I${k}`, lines: [{ code: "A", amount: "25.00" }] },
      });
    }
    await record({ id: "ref", type: "referral.converted", at: at(6), member: bob, referral: { referrer: ana } });
    await record({ id: "void", type: "invoice.voided", at: at(7), member: ana, invoice: { id: "I1" } });
    await record({ id: "late", type: "visit.checked_in", at: at(2), member: ana, visit: { method: "card" } });
    await record({ id: "red", type: "points.redeemed", at: at(8), member: bob, redemption: { points: 10 } });
    const built = await statesNow();
    const entries = await entryCount();

    // States lost or saved by an older engine: replaying the recorded events gives them back.
    await t.db.update(memberEngineStates).set({ state: {}, nextExpiryAt: null }).where(eq(memberEngineStates.practiceId, p.id));
    expect(await rebuildPracticeStates(t.db, p.system, 2)).toBe(4);
    const rebuilt = await statesNow();
    for (const id of [ana, bob, carl, dave]) expect(rebuilt.get(id), id).toEqual(built.get(id));
    expect(rebuilt.get(ana)!.state.lots!.length).toBeGreaterThan(0);
    expect(rebuilt.get(ana)!.next).toBe("2027-01-01T10:00:00.000Z");

    // Idempotent, and the ledger is never rewritten.
    expect(await rebuildPracticeStates(t.db, p.system)).toBe(4);
    expect(await statesNow()).toEqual(rebuilt);
    expect(await entryCount()).toBe(entries);
  });

  it("a merged duplicate's events are replayed as the survivor's: both members' lots", async () => {
    const [, , carl, dave] = ids as [string, string, string, string];
    await mergeMembers({ ctx: p.admin, input: { sourceId: dave, targetId: carl } });
    await rebuildPracticeStates(t.db, p.system);
    const carlState = (await statesNow()).get(carl)!;
    expect(carlState.state.lots!.map((l) => new Date(l.exp).toISOString())).toEqual([
      "2027-01-04T10:00:00.000Z",
      "2027-01-04T10:00:00.000Z",
      "2027-01-05T10:00:00.000Z",
      "2027-01-05T10:00:00.000Z",
    ]);
    // The balance stays the ledger's (both members' points, moved by the merge's entries).
    expect(carlState.state.balance).toBe(await ledgerSum(t.db, p.id, carl));
    expect(carlState.state.balance).toBe(60);
    expect(carlState.state.paidInvoices).toBe(2);
    expect(carlState.next).toBe("2027-01-04T10:00:00.000Z");
  });
});
