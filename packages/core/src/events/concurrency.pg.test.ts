// The pipeline under concurrency on real PostgreSQL: many voids of one invoice at once reverse
// it once; one event id sent many times at once, some with another payload, is recorded once and
// the others answer its first outcome or a conflict naming what differs.
import { ledgerEntries } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { recordEvent } from "./record-event.ts";

describe("pipeline concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 24 });
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $1\n}', publish: true } });
  });
  afterAll(() => t?.dispose());

  const integration = () => ({ ...p.system, actor: { kind: "integration" as const, id: "pms" } });

  it("32 voids of one invoice at once reverse it exactly once", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Vera", lastName: "Void" }]);
    await recordEvent({
      ctx: integration(),
      input: {
        id: "inv-9:paid",
        type: "invoice.paid",
        at: "2026-05-01T10:00:00Z",
        member: m!.id,
        invoice: { id: "inv-9", lines: [{ code: "X", amount: "120.00" }] },
      },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 32 }, () =>
        recordEvent({
          ctx: integration(),
          input: { id: "inv-9:voided", type: "invoice.voided", at: "2026-05-02T10:00:00Z", member: m!.id, invoice: { id: "inv-9" } },
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const fresh = results.filter((r) => r.status === "fulfilled" && !r.value.duplicate);
    expect(fresh).toHaveLength(1);
    const reversals = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.memberId, m!.id), eq(ledgerEntries.kind, "reversal")));
    expect(reversals).toHaveLength(1);
    expect(reversals[0]!.points).toBe(-120);
    expect(await ledgerSum(t.db, p.id, m!.id)).toBe(0);
  });

  it("one event id sent 24 times at once, a third with another payload: recorded once, the changed ones refused", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ida", lastName: "Idem" }]);
    const base = {
      id: "visit-1",
      type: "visit.checked_in" as const,
      at: "2026-05-03T10:00:00.000Z",
      member: m!.id,
      visit: { method: "card" as const },
    };
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        recordEvent({ ctx: integration(), input: i % 3 === 2 ? { ...base, at: "2026-05-04T10:00:00.000Z" } : base }),
      ),
    );
    const fresh = results.filter((r) => r.status === "fulfilled" && !r.value.duplicate);
    expect(fresh).toHaveLength(1);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason);
    // Whichever payload came first is the event; every request with the other one is refused.
    expect(refused.length === 8 || refused.length === 16).toBe(true);
    for (const e of refused) expect(e).toMatchObject({ code: "CONFLICT", details: { differs: ["at"] } });
  });
});
