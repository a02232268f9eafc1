// auth.me tells the admin app what the signed-in person's role may do (core permissions.ts is the
// one list), so the app shows a team member only the pages and buttons they may use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../testing/harness.ts";

describe("auth.me: what each role may do", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.dispose());

  it("lists the role's actions: admin-only ones only for admins, never the system's or integrations'", async () => {
    const team = await (await h.staff("team_member")).auth.me.query();
    const admin = await (await h.staff("admin")).auth.me.query();
    expect(team.can).toEqual(
      expect.arrayContaining(["members.search", "approvals.decide", "redemption.fulfilOrder", "ledger.adjustPoints"]),
    );
    for (const adminOnly of [
      "members.convertLead",
      "members.merge",
      "rules.publish",
      "staff.list",
      "practices.updateSettings",
      "catalog.createReward",
    ]) {
      expect(team.can).not.toContain(adminOnly);
      expect(admin.can).toContain(adminOnly);
    }
    expect(admin.can).not.toContain("events.record");
    expect(admin.can).not.toContain("members.runBirthdays");
  });
});
