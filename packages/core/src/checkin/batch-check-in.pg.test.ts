// Group commit of kiosk check-ins on real PostgreSQL: many check-ins at once give exactly what the
// same check-ins one by one give, and one failing check-in does not fail the others of its batch.

import { auditLog, checkIns, events, issuedCoupons, ledgerEntries, memberBalances } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import { type KioskVisitResult, kioskCheckInBatched, kioskVisit } from "./batch-check-in.ts";

const rules = `
reward "Check-in" on visit.checked_in { award 10 points limit once per day }
reward "Every visit" on visit.checked_in { award 3 points }
milestone "Keep it up" unlimited {
  every 5 perfect surveys award 200 points
}
`;

const qrSecret = "test-secret";

interface Setup {
  ctx: Ctx;
  practiceId: string;
  memberIds: string[];
  cards: string[];
}

describe("batched kiosk check-in (postgres)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
  });
  afterAll(() => t?.dispose());

  async function practiceWith(source: string, count: number, tag: string): Promise<Setup> {
    const p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source, publish: true } });
    const rows = await makeMembers(
      t,
      p.id,
      Array.from({ length: count }, (_, i) => ({
        firstName: `M${i}`,
        lastName: "Kiosk",
        cardNumber: `${[...tag].map((c) => c.charCodeAt(0)).join("")}${1000 + i}`,
      })),
    );
    return {
      ctx: { ...p.kiosk, actor: { kind: "kiosk", id: `${tag}-device` } },
      practiceId: p.id,
      memberIds: rows.map((m) => m.id),
      cards: rows.map((m) => m.cardNumber!),
    };
  }

  /** Per member (by position): points, ledger entries, events, check-ins, audit rows, cached balance. */
  async function tallies(s: Setup) {
    const count = async (table: typeof ledgerEntries | typeof events | typeof checkIns, memberId: string) =>
      Number((await t.db.select({ n: sql<string>`count(*)` }).from(table).where(eq(table.memberId, memberId)))[0]!.n);
    const out = [];
    for (const id of s.memberIds) {
      const [balance] = await t.db.select({ b: memberBalances.balance }).from(memberBalances).where(eq(memberBalances.memberId, id));
      const audits = await t.db
        .select({ n: sql<string>`count(*)` })
        .from(auditLog)
        .where(and(eq(auditLog.practiceId, s.practiceId), eq(auditLog.action, "checkin.checkIn"), eq(auditLog.targetId, id)));
      out.push({
        balance: balance!.b,
        ledgerSum: await ledgerSum(t.db, s.practiceId, id),
        entries: await count(ledgerEntries, id),
        events: await count(events, id),
        checkIns: await count(checkIns, id),
        audits: Number(audits[0]!.n),
      });
    }
    return out;
  }

  const checkedIn = (r: KioskVisitResult) => {
    if (r.status !== "checked_in") throw new Error(`expected checked_in, got ${r.status}`);
    return r;
  };

  it("64 check-ins at once for 20 members (some twice or more) equal the same check-ins one by one", async () => {
    const batched = await practiceWith(rules, 20, "b");
    const sequential = await practiceWith(rules, 20, "s");
    const at = new Date("2026-11-23T15:00:00Z");
    const order = Array.from({ length: 64 }, (_, k) => (k * 7) % 20);

    const together = await Promise.all(
      order.map((m) => kioskCheckInBatched(batched.ctx, { method: "card", cardNumber: batched.cards[m]! }, { qrSecret, now: at })),
    );
    const oneByOne: KioskVisitResult[] = [];
    for (const m of order)
      oneByOne.push(await kioskVisit(sequential.ctx, { method: "card", cardNumber: sequential.cards[m]! }, { qrSecret, now: at }));

    const a = together.map(checkedIn);
    const b = oneByOne.map(checkedIn);
    expect(a.map((r) => r.memberId)).toEqual(order.map((m) => batched.memberIds[m]));
    // Each member earns 10 once that day and 3 per visit, whichever way they arrive.
    const earned = (rs: typeof a) => rs.reduce((s, r) => s + r.welcome.pointsEarned, 0);
    expect(earned(a)).toBe(earned(b));
    expect(earned(a)).toBe(20 * 10 + 64 * 3);
    expect(await tallies(batched)).toEqual(await tallies(sequential));
    for (const row of await tallies(batched)) {
      expect(row.balance).toBe(row.ledgerSum);
      expect(row.events).toBe(row.checkIns);
      expect(row.audits).toBe(row.checkIns);
    }
    // What each patient was shown: the points of their own visit and the balance right after it.
    // Check-ins that are in flight together have no order between them (two transactions may
    // lock a member in either order), so a member's visits are compared in balance order: the
    // same screens, one of them with the day's 10 points.
    const shown = (rs: typeof a) =>
      order
        .map(
          (m, k) => [m, rs[k]!.welcome.balance, rs[k]!.welcome.pointsEarned, rs[k]!.welcome.firstName, rs[k]!.welcome.milestones] as const,
        )
        .sort((x, y) => x[0] - y[0] || (x[1] ?? 0) - (y[1] ?? 0));
    expect(shown(a)).toEqual(shown(b));
    // They did share transactions: the audit rows carry far fewer transaction times than check-ins.
    const [times] = await t.db
      .select({ n: sql<string>`count(distinct ${auditLog.at})` })
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, batched.practiceId), eq(auditLog.action, "checkin.checkIn")));
    expect(Number(times!.n)).toBeLessThan(32);
  });

  it("a visit that unlocks a coupon takes the general path, with the same result as one by one", async () => {
    const source = `reward "Hello" on visit.checked_in { award 60 points }
reward "Third visit" on visit.checked_in when member.points >= 120 { award coupon "a" limit once per member }`;
    const batched = await practiceWith(source, 4, "gb");
    const sequential = await practiceWith(source, 4, "gs");
    const at = new Date("2026-11-23T15:00:00Z");
    const order = [0, 1, 0, 2, 3, 0, 1];
    const together = (
      await Promise.all(
        order.map((m) => kioskCheckInBatched(batched.ctx, { method: "card", cardNumber: batched.cards[m]! }, { qrSecret, now: at })),
      )
    ).map(checkedIn);
    const oneByOne = [];
    for (const m of order)
      oneByOne.push(
        checkedIn(await kioskVisit(sequential.ctx, { method: "card", cardNumber: sequential.cards[m]! }, { qrSecret, now: at })),
      );
    expect(await tallies(batched)).toEqual(await tallies(sequential));
    const coupons = async (s: Setup) =>
      Promise.all(
        s.memberIds.map(async (id) => (await t.db.select().from(issuedCoupons).where(eq(issuedCoupons.memberId, id))).map((c) => c.coupon)),
      );
    expect(await coupons(batched)).toEqual(await coupons(sequential));
    expect((await coupons(batched))[0]).toEqual(["a"]);
    // The last check-in of member 0 shows the balance after all three visits.
    const last = together[order.lastIndexOf(0)]!;
    expect(last.welcome.balance).toBe(180);
    expect(together.map((r) => r.welcome.pointsEarned).sort()).toEqual(oneByOne.map((r) => r.welcome.pointsEarned).sort());
  });

  it("one check-in failing in the database does not fail the others of its batch", async () => {
    const s = await practiceWith(rules, 10, "f");
    const bad = s.memberIds[3]!;
    await t.db.execute(
      sql.raw(`create or replace function tally_test_refuse_check_in() returns trigger language plpgsql as $$
               begin if new.member_id = '${bad}' then raise exception 'refused for the test'; end if; return new; end $$`),
    );
    await t.db.execute(
      sql.raw("create trigger tally_test_refuse before insert on check_ins for each row execute function tally_test_refuse_check_in()"),
    );
    try {
      const results = await Promise.allSettled(
        s.cards.map((card) =>
          kioskCheckInBatched(s.ctx, { method: "card", cardNumber: card }, { qrSecret, now: new Date("2026-11-23T15:00:00Z") }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(s.memberIds.map((id) => (id === bad ? "rejected" : "fulfilled")));
      const rows = await tallies(s);
      rows.forEach((row, i) => {
        const n = s.memberIds[i] === bad ? 0 : 1;
        expect(row).toEqual({ balance: 13 * n, ledgerSum: 13 * n, entries: 2 * n, events: n, checkIns: n, audits: n });
      });
    } finally {
      await t.db.execute(sql.raw("drop trigger tally_test_refuse on check_ins"));
    }
  });

  it("unknown cards, locked cards and leads in the same batch get their own answers", async () => {
    const s = await practiceWith(rules, 3, "x");
    const [lead] = await makeMembers(t, s.practiceId, [{ firstName: "Leo", lastName: "Lead", cardNumber: "x-lead", status: "lead" }]);
    const now = new Date();
    const at = { qrSecret, now };
    const results = await Promise.all([
      kioskCheckInBatched(s.ctx, { method: "card", cardNumber: s.cards[0]! }, at),
      kioskCheckInBatched(s.ctx, { method: "card", cardNumber: "no-such-card" }, at),
      kioskCheckInBatched(s.ctx, { method: "card", cardNumber: lead!.cardNumber! }, at),
      kioskCheckInBatched(s.ctx, { method: "card", cardNumber: s.cards[1]! }, at),
    ]);
    expect(results.map((r) => r.status)).toEqual(["checked_in", "not_found", "checked_in", "checked_in"]);
    const leadResult = checkedIn(results[2]!);
    expect(leadResult.welcome).toMatchObject({ firstName: "Leo", lastInitial: "L", eventId: null, pointsEarned: 0 });
    expect(await t.db.select().from(checkIns).where(eq(checkIns.memberId, lead!.id))).toHaveLength(0);
    expect(
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, lead!.id), eq(auditLog.action, "checkin.checkIn"))),
    ).toHaveLength(1);
  });
});
