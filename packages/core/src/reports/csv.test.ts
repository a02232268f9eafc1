// CSV exports neutralise formulas: a text cell starting with =, +, -, @, tab or CR gets a leading
// apostrophe (CSV injection); numbers and ordinary text are untouched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { safeCsvText, toCsv } from "./csv.ts";
import { exportReportCsv } from "./reports.ts";

describe("CSV export", () => {
  it.each([
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["Mug", "Mug"],
    ["-12.50", "-12.50"],
    ["a=b", "a=b"],
  ])("%j becomes %j", (given, expected) => expect(safeCsvText(given)).toBe(expected));

  it("numbers stay numbers", () => {
    expect(toCsv([{ name: "=1+1", points: -5 }])).toBe("name,points\n'=1+1,-5\n");
  });

  describe("exportReportCsv", () => {
    let t: TestDatabase;
    let p: TestPractice;
    beforeAll(async () => {
      t = await createTestDatabase();
      p = await makePractice(t);
      const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "B" }]);
      await adjustPoints({ ctx: p.team, input: { memberId: ana!.id, points: 100, note: "start" } });
      const reward = await createReward({
        ctx: p.admin,
        input: { kind: "in_house", name: '=HYPERLINK("http://evil.test","Mug")', pointsPrice: 10 },
      });
      await redeemReward({ ctx: p.team, input: { memberId: ana!.id, rewardId: reward.id } });
    });
    afterAll(() => t?.dispose());

    it("a reward named like a formula is exported as text", async () => {
      const range = { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" };
      const { csv } = await exportReportCsv({ ctx: p.team, input: { report: "rewards", ...range } });
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"",""Mug"")"`);
      expect(csv.split("\n").some((line) => line.startsWith("="))).toBe(false);
    });
  });
});
