import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { publishPreview, ruleChanges } from "./publish-preview.ts";

const V1 = `earn "Spend" on invoice.paid { rate 1 point per $10 }
reward "First visit" on invoice.paid when member.paid_invoices = 1 { award 500 points }
reward "Visit" on visit.checked_in { award 20 points }
`;

describe("publish preview", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let v1: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { pointCostCentiCents: 100 });
    v1 = (await saveRuleSet({ ctx: p.admin, input: { source: V1, publish: true } })).id;
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    const at = new Date(Date.now() - 5 * 86_400_000).toISOString();
    await recordEvent({
      ctx: p.system,
      input: { id: "i1", type: "invoice.paid", at, member: ana!.id, invoice: { id: "i1", lines: [{ code: "X", amount: "100.00" }] } },
    });
  });
  afterAll(() => t?.dispose());

  it("names the rules added, removed and changed (spacing and comments are not changes)", () => {
    const after = `# reformatted
earn "Spend" on invoice.paid {
  rate 1 point per $10
}
reward "First visit" on invoice.paid when member.paid_invoices = 1 { award 600 points }
reward "Birthday" on member.birthday { award 50 points }
`;
    expect(ruleChanges(V1, after)).toEqual({ added: ["Birthday"], removed: ["Visit"], changed: ["First visit"], unchanged: 1 });
    expect(ruleChanges("", V1)).toEqual({ added: ["Spend", "First visit", "Visit"], removed: [], changed: [], unchanged: 0 });
  });

  it("asks to confirm when a rule is removed or the backtest's cost rises, not when it falls", async () => {
    const cheaper = V1.replace("award 500 points", "award 100 points");
    const down = await publishPreview({ ctx: p.admin, input: { source: cheaper } });
    expect(down.changes.changed).toEqual(["First visit"]);
    expect(down.backtest.costDifferenceCents).toBe(-400);
    expect(down.confirm).toEqual({ needed: false, reasons: [] });

    const dearer = V1.replace("award 500 points", "award 900 points");
    const up = await publishPreview({ ctx: p.admin, input: { source: dearer } });
    expect(up.backtest.costDifferenceCents).toBe(400);
    expect(up.confirm).toEqual({ needed: true, reasons: ["cost_rises"] });

    const fewer = await publishPreview({ ctx: p.admin, input: { source: V1.split("\n").slice(0, 2).join("\n") } });
    expect(fewer.changes.removed).toEqual(["Visit"]);
    expect(fewer.confirm.reasons).toEqual(["rules_removed"]);

    const same = await publishPreview({ ctx: p.admin, input: { versionId: v1 } });
    expect(same).toMatchObject({ same: true, confirm: { needed: false }, backtest: { costDifferenceCents: 0 } });
    await expect(publishPreview({ ctx: p.team, input: { source: V1 } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
