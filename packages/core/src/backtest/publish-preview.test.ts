import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { getRuleSetVersion, publishRuleSet, saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { confirmationToken, publishPreview, ruleChanges } from "./publish-preview.ts";

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
    expect(down.confirm).toEqual({ needed: false, reasons: [], token: null });

    const dearer = V1.replace("award 500 points", "award 900 points");
    const up = await publishPreview({ ctx: p.admin, input: { source: dearer } });
    expect(up.backtest.costDifferenceCents).toBe(400);
    expect(up.confirm).toMatchObject({ needed: true, reasons: ["cost_rises"] });
    expect(up.confirm.token).toMatch(/^c1\./);

    const fewer = await publishPreview({ ctx: p.admin, input: { source: V1.split("\n").slice(0, 2).join("\n") } });
    expect(fewer.changes.removed).toEqual(["Visit"]);
    expect(fewer.confirm.reasons).toEqual(["rules_removed"]);

    const same = await publishPreview({ ctx: p.admin, input: { versionId: v1 } });
    expect(same).toMatchObject({ same: true, confirm: { needed: false }, backtest: { costDifferenceCents: 0 } });
    await expect(publishPreview({ ctx: p.team, input: { source: V1 } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the server refuses an unconfirmed publish that removes rules or raises the cost, and takes the preview's token", async () => {
    const dearer = V1.replace("award 500 points", "award 700 points");
    // Saving and publishing in one call, without the token: refused with what needs confirming, nothing saved.
    const before = await getRuleSetVersion({ ctx: p.admin });
    await expect(saveRuleSet({ ctx: p.admin, input: { source: dearer, publish: true } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("costs more"),
      details: { confirm: ["cost_rises"], costDifferenceCents: 200 },
    });
    // A made-up token, or the token for another text, is no confirmation.
    const other = await publishPreview({ ctx: p.admin, input: { source: V1.replace("award 500 points", "award 800 points") } });
    await expect(
      saveRuleSet({ ctx: p.admin, input: { source: dearer, publish: true, confirm: other.confirm.token! } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await getRuleSetVersion({ ctx: p.admin }))!.id).toBe(before!.id);

    // With the token the preview handed out, it is published.
    const preview = await publishPreview({ ctx: p.admin, input: { source: dearer } });
    const published = await saveRuleSet({ ctx: p.admin, input: { source: dearer, publish: true, confirm: preview.confirm.token! } });
    expect(published).toMatchObject({ active: true });

    // Publishing a saved version that removes a rule: refused, naming the rule; published with its token.
    const fewer = await saveRuleSet({ ctx: p.admin, input: { source: V1.split("\n").slice(0, 2).join("\n") } });
    await expect(publishRuleSet({ ctx: p.admin, input: { versionId: fewer.id } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("removes rules (Visit)"),
      details: { removed: ["Visit"] },
    });
    const fewerPreview = await publishPreview({ ctx: p.admin, input: { versionId: fewer.id } });
    // The token names the practice, the active version it was judged against and the exact text.
    expect(fewerPreview.confirm.token).toBe(confirmationToken(p.id, published.id, fewer.source));
    // A token judged against another active version no longer confirms once the active one changed.
    const back = await publishPreview({ ctx: p.admin, input: { versionId: v1 } });
    expect(back.confirm.needed).toBe(false);
    await publishRuleSet({ ctx: p.admin, input: { versionId: v1 } });
    await expect(
      publishRuleSet({ ctx: p.admin, input: { versionId: fewer.id, confirm: fewerPreview.confirm.token! } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const again = await publishPreview({ ctx: p.admin, input: { versionId: fewer.id } });
    expect(await publishRuleSet({ ctx: p.admin, input: { versionId: fewer.id, confirm: again.confirm.token! } })).toMatchObject({
      active: true,
    });

    // A change that needs no confirmation (cheaper, nothing removed) publishes without a token.
    const cheaper = await saveRuleSet({
      ctx: p.admin,
      input: { source: V1.split("\n").slice(0, 2).join("\n").replace("award 500", "award 400") },
    });
    expect(await publishRuleSet({ ctx: p.admin, input: { versionId: cheaper.id } })).toMatchObject({ active: true });
  });
});
