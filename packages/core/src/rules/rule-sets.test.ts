import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBacktest } from "../backtest/backtest.ts";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { checkRules, getRuleSetVersion, listRuleSetVersions, publishRuleSet, saveRuleSet } from "./rule-sets.ts";

describe("rule sets and backtest", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { pointCostCentiCents: 1000 });
  });
  afterAll(() => t?.dispose());

  it("refuses invalid source with every diagnostic (RULE_INVALID)", async () => {
    const source =
      'earn "Spend" on invoice.paid when invoice.total >= 20 {\n  rate 1 point per $10\n}\nreward "X" on invoice.payd { award 5 points }\n';
    const err = await saveRuleSet({ ctx: p.admin, input: { source } }).catch((e) => e);
    expect(err.code).toBe("RULE_INVALID");
    const lines = err.details.diagnostics.map((d: { line: number }) => d.line);
    expect(lines).toEqual(expect.arrayContaining([1, 4]));
    expect(err.details.diagnostics[0]).toMatchObject({ line: 1, column: expect.any(Number), message: expect.any(String) });
    expect((await checkRules({ ctx: p.team, input: { source } })).ok).toBe(false);
    await expect(saveRuleSet({ ctx: p.team, input: { source: "" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("checks coupon names against the catalog once it has coupons", async () => {
    await createReward({ ctx: p.admin, input: { kind: "coupon", name: "Ten off", pointsPrice: 10, couponCode: "ten-off" } });
    const source = 'milestone "M" unlimited {\n  every 2 perfect surveys award coupon "free-pizza"\n}\n';
    await expect(saveRuleSet({ ctx: p.admin, input: { source } })).rejects.toMatchObject({ code: "RULE_INVALID" });
    await saveRuleSet({ ctx: p.admin, input: { source: source.replace("free-pizza", "ten-off") } });
  });

  it("saves versions, publishes one active at a time, and backtests a draft against it", async () => {
    const v1 = await saveRuleSet({
      ctx: p.admin,
      input: { source: 'earn "Spend" on invoice.paid { rate 1 point per $10 }', note: "v1", publish: true },
    });
    const [ana, liam] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Bell" },
      { firstName: "Liam", lastName: "G" },
    ]);
    let n = 0;
    for (const [m, dollars] of [
      [ana!, 150],
      [liam!, 40],
      [ana!, 80],
    ] as const) {
      n++;
      await recordEvent({
        ctx: p.system,
        input: {
          id: `e${n}`,
          type: "invoice.paid",
          at: `2026-02-0${n}T15:00:00Z`,
          member: m.id,
          invoice: { id: `i${n}`, lines: [{ code: "X", amount: `${dollars}.00` }] },
        },
      });
    }
    const draft =
      'earn "Spend" on invoice.paid { rate 2 points per $10 }\nreward "First visit" on invoice.paid when member.paid_invoices = 1 { award 50 points }';
    const bt = await runBacktest({ ctx: p.admin, input: { source: draft, from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z" } });
    expect(bt.events).toBe(3);
    expect(bt.active.points).toBe(15 + 4 + 8);
    expect(bt.draft.points).toBe(30 + 8 + 16 + 100);
    expect(bt.draft.costCents).toBe(bt.draft.points * 10);
    expect(bt.draft.byRule.map((r) => [r.rule, r.points])).toEqual([
      ["First visit", 100],
      ["Spend", 54],
    ]);
    expect(bt.draft.byMember[0]).toMatchObject({ memberId: ana!.id, points: 30 + 16 + 50 });
    expect(bt.difference.points).toBe(bt.draft.points - bt.active.points);
    // Nothing was written: balances are still the active version's.
    const v2 = await saveRuleSet({ ctx: p.admin, input: { source: draft } });
    expect(v2.active).toBe(false);
    expect(
      (await runBacktest({ ctx: p.admin, input: { versionId: v2.id, from: "2026-02-01T00:00:00Z", to: "2026-03-01T00:00:00Z" } })).draft
        .points,
    ).toBe(154);
    await publishRuleSet({ ctx: p.admin, input: { versionId: v2.id } });
    const versions = await listRuleSetVersions({ ctx: p.team });
    expect(versions.filter((v) => v.active).map((v) => v.id)).toEqual([v2.id]);
    expect((await getRuleSetVersion({ ctx: p.team }))?.id).toBe(v2.id);
    expect(versions.find((v) => v.id === v1.id)?.active).toBe(false);
  });
});
