// A reversal that leaves a balance below zero: earn, redeem everything, void the invoice. The
// balance goes negative (SPEC 5 allows it for reversals only), the shortfall is audited, and
// staff see it in the shortfall report and the dashboard's figure.
import { auditLog } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { dashboardSummary } from "./dashboard-summary.ts";
import { listShortfalls } from "./shortfalls.ts";

describe("shortfalls", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $1\n}', publish: true } });
  });
  afterAll(() => t?.dispose());

  it("earn, redeem everything, void the invoice: the balance owes 500, audited and reported", async () => {
    const [m, fine] = await makeMembers(t, p.id, [
      { firstName: "Nora", lastName: "Owes" },
      { firstName: "Fay", lastName: "Fine" },
    ]);
    const ctx = { ...p.system, actor: { kind: "integration" as const, id: "pms" } };
    const at = (d: number) => `2026-04-0${d}T12:00:00.000Z`;
    await recordEvent({
      ctx,
      input: {
        id: "inv-1:paid",
        type: "invoice.paid",
        at: at(1),
        member: m!.id,
        invoice: { id: "inv-1", lines: [{ code: "X", amount: "500.00" }] },
      },
    });
    await recordEvent({
      ctx,
      input: {
        id: "inv-2:paid",
        type: "invoice.paid",
        at: at(1),
        member: fine!.id,
        invoice: { id: "inv-2", lines: [{ code: "X", amount: "20.00" }] },
      },
    });
    const redeemed = await recordEvent({
      ctx,
      input: { id: "redeem-1", type: "points.redeemed", at: at(2), member: m!.id, redemption: { points: 500 } },
    });
    expect(redeemed.redemptions).toHaveLength(1);
    const voided = await recordEvent({
      ctx,
      input: { id: "inv-1:voided", type: "invoice.voided", at: at(3), member: m!.id, invoice: { id: "inv-1" } },
    });
    expect(voided.reversals).toMatchObject([{ points: -500 }]);
    expect(await ledgerSum(t.db, p.id, m!.id)).toBe(-500);

    const audited = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, p.id), eq(auditLog.action, "ledger.shortfall")));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ targetId: m!.id, details: { balance: -500, event: voided.eventId } });

    expect(await listShortfalls({ ctx: p.team })).toEqual([{ memberId: m!.id, name: "Nora Owes", balance: -500 }]);
    expect((await dashboardSummary({ ctx: p.admin })).shortfalls).toEqual({ members: 1, points: 500 });
    // Another practice sees none of it.
    expect(await listShortfalls({ ctx: other.admin })).toEqual([]);
  });

  it("a redemption never takes a balance below zero", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ray", lastName: "Redeems" }]);
    const ctx = { ...p.system, actor: { kind: "integration" as const, id: "pms" } };
    const r = await recordEvent({
      ctx,
      input: { id: "redeem-2", type: "points.redeemed", at: "2026-04-05T12:00:00.000Z", member: m!.id, redemption: { points: 1 } },
    });
    expect(r.rejected).toEqual([{ member: m!.id, reason: "insufficient_points" }]);
    expect(await ledgerSum(t.db, p.id, m!.id)).toBe(0);
  });
});
