// Merging under concurrent activity, on real PostgreSQL: awards and redemptions on both members
// while the merge runs. Whatever the interleaving: balance = ledger sum for both records, every
// call that succeeded is in the survivor's history, the duplicate ends at zero, nothing deadlocks.

import { ledgerEntries, members, orders } from "@tally/db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { getBalance, ledgerHistory } from "../ledger/balance.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { mergeMembers } from "./merge-members.ts";

describe("merging while both members earn and redeem (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let reward: string;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid { rate 1 point per $1 }', publish: true } });
    reward = (await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Water bottle", pointsPrice: 30 } })).id;
  });
  afterAll(() => t?.dispose());

  const refusedForMerge = (e: unknown) => {
    const code = (e as { code?: string }).code;
    const message = (e as Error).message;
    return (code === "CONFLICT" && /merged/.test(message)) || (code === "FORBIDDEN" && /Only members/.test(message));
  };

  it("balance = ledger sum and no lost history, 6 rounds", async () => {
    for (let round = 0; round < 6; round++) {
      const [keep, dup] = await makeMembers(t, p.id, [
        { firstName: `Keep${round}`, lastName: "Same", externalId: `K-${round}` },
        { firstName: `Dup${round}`, lastName: "Same", externalId: `D-${round}` },
      ]);
      await adjustPoints({ ctx: p.team, input: { memberId: keep!.id, points: 200, note: "start" } });
      await adjustPoints({ ctx: p.team, input: { memberId: dup!.id, points: 200, note: "start" } });
      const work: { kind: "award" | "redeem" | "merge"; member: string; run: () => Promise<unknown> }[] = [];
      for (const m of [keep!, dup!]) {
        for (let i = 0; i < 12; i++) {
          work.push({
            kind: "award",
            member: m.id,
            run: () =>
              recordEvent({
                ctx: p.system,
                input: {
                  id: `inv-${round}-${m.id}-${i}`,
                  type: "invoice.paid",
                  at: new Date().toISOString(),
                  member: m.id,
                  invoice: { id: `${round}-${m.id}-${i}`, lines: [{ code: "X", amount: "7.00" }] },
                },
              }),
          });
          work.push({
            kind: "redeem",
            member: m.id,
            run: () => redeemReward({ ctx: p.team, input: { memberId: m.id, rewardId: reward } }),
          });
        }
      }
      // The merge lands somewhere in the middle of the burst (a different place each round).
      work.splice(4 + round * 7, 0, {
        kind: "merge",
        member: dup!.id,
        run: () => mergeMembers({ ctx: p.admin, input: { sourceId: dup!.id, targetId: keep!.id } }),
      });
      const results = await Promise.allSettled(work.map((w) => w.run()));

      const merge = results[work.findIndex((w) => w.kind === "merge")]!;
      expect(merge.status).toBe("fulfilled");
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      // Only refusals that say why: the record was merged meanwhile, or the points ran out.
      for (const f of failures)
        expect(refusedForMerge(f.reason) || (f.reason as { code?: string }).code === "INSUFFICIENT_POINTS", String(f.reason)).toBe(true);

      const ok = (kind: "award" | "redeem") => work.filter((w, i) => w.kind === kind && results[i]!.status === "fulfilled").length;
      const survivor = (await getBalance({ ctx: p.team, input: { memberId: keep!.id } })).balance;
      expect(survivor).toBe(await ledgerSum(t.db, p.id, keep!.id));
      expect(await ledgerSum(t.db, p.id, dup!.id)).toBe(0);
      expect((await getBalance({ ctx: p.team, input: { memberId: dup!.id } })).balance).toBe(0);
      // Exactly what succeeded: 400 to start, 7 per invoice, 30 per redemption.
      expect(survivor).toBe(400 + 7 * ok("award") - 30 * ok("redeem"));

      // No lost history: every entry of both records shows on the survivor's history, the
      // duplicate's orders moved to the survivor, and the lines add up to the balance.
      const entries = await t.db
        .select()
        .from(ledgerEntries)
        .where(inArray(ledgerEntries.memberId, [keep!.id, dup!.id]));
      const history = await ledgerHistory({ ctx: p.team, input: { memberId: keep!.id, limit: 500 } });
      expect(history.map((h) => h.id).sort()).toEqual(entries.map((e) => e.id).sort());
      expect(history.reduce((s, h) => s + h.points, 0)).toBe(survivor);
      expect(entries.filter((e) => e.kind === "redemption")).toHaveLength(ok("redeem"));
      expect(entries.filter((e) => e.kind === "earn")).toHaveLength(ok("award"));
      const placed = await t.db
        .select()
        .from(orders)
        .where(inArray(orders.memberId, [keep!.id, dup!.id]));
      expect(placed).toHaveLength(ok("redeem"));
      expect(placed.every((o) => o.memberId === keep!.id)).toBe(true);

      const [merged] = await t.db.select().from(members).where(eq(members.id, dup!.id));
      expect(merged).toMatchObject({ status: "merged", mergedIntoId: keep!.id, externalId: `D-${round}` });
    }
  });
});
