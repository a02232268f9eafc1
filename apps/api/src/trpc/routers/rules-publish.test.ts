// rules.save / rules.publish called directly: a publish that removes rules or raises the
// backtest's cost is refused (CONFLICT, naming what needs confirming) without the publish
// preview's confirmation token, and goes through with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

describe("rules publish confirmation", () => {
  let h: Harness;
  let admin: TestClient;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    await admin.rules.save.mutate({
      source: 'earn "Spend" on invoice.paid { rate 1 point per $10 }\nreward "Visit" on visit.checked_in { award 20 points }',
      publish: true,
    });
  });
  afterAll(async () => h?.dispose());

  it("refuses an unconfirmed publish that removes a rule and takes the preview's token", async () => {
    const fewer = 'earn "Spend" on invoice.paid { rate 1 point per $10 }';
    const activeBefore = await admin.rules.version.query({});
    await expect(admin.rules.save.mutate({ source: fewer, publish: true })).rejects.toMatchObject({
      message: expect.stringContaining("removes rules (Visit)"),
      data: { code: "CONFLICT" },
    });
    const draft = await admin.rules.save.mutate({ source: fewer });
    await expect(admin.rules.publish.mutate({ versionId: draft.id, confirm: "c1.not-the-token" })).rejects.toMatchObject({
      data: { code: "CONFLICT" },
    });
    expect((await admin.rules.version.query({}))!.id).toBe(activeBefore!.id);

    const preview = await admin.rules.publishPreview.mutate({ versionId: draft.id });
    expect(preview.confirm).toMatchObject({ needed: true, reasons: ["rules_removed"] });
    const published = await admin.rules.publish.mutate({ versionId: draft.id, confirm: preview.confirm.token! });
    expect(published).toMatchObject({ id: draft.id, active: true });
  });

  it("publishes a change that needs no confirmation without a token", async () => {
    const preview = await admin.rules.publishPreview.mutate({ source: 'earn "Spend" on invoice.paid { rate 1 point per $20 }' });
    expect(preview.confirm).toEqual({ needed: false, reasons: [], token: null });
    const saved = await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid { rate 1 point per $20 }', publish: true });
    expect(saved.active).toBe(true);
  });
});
