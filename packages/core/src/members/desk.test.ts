// The front desk on a member's profile: editing details, consent recorded for the patient,
// duplicates and merging (history, balances and the PMS id kept), manual rewards completed on
// the patient's behalf, and what the history lines say.
import { actionRequests, auditLog, checkIns, events, ledgerEntries, members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeForMember, listApprovals } from "../approvals/approvals.ts";
import { createReward } from "../catalog/rewards.ts";
import { importInvoices } from "../imports/import-invoices.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { getBalance, ledgerHistory } from "../ledger/balance.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { createMember } from "./create-member.ts";
import { importPatientRows } from "./import-patients.ts";
import { findDuplicates, mergeMembers, mergePreview } from "./merge-members.ts";
import { consentHistory, recordConsent } from "./record-consent.ts";
import { updateMember } from "./update-member.ts";

const rules = `
earn "Spend points" on invoice.paid {
  rate 1 point per $10
  items all
}
reward "Media consent" on consent.given when consent.kind = "media" and consent.full {
  award 100 points
}
reward "Left a review" manual {
  award 40 points
  prompt "Leave us a review"
  limit once per member
}
reward "Attended event" manual {
  award 30 points
  prompt "Come to our event"
}
reward "Social post" manual {
  award 20 points
  prompt "Post about us"
  limit 2 per month
}
`;

describe("the front desk on a member's profile", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  let ana: Awaited<ReturnType<typeof createMember>>;
  let ben: Awaited<ReturnType<typeof createMember>>;
  let foreign: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    await saveRuleSet({ ctx: other.admin, input: { source: rules, publish: true } });
    ana = await createMember({
      ctx: p.team,
      input: {
        firstName: "Ana",
        lastName: "Bell",
        email: "ana@example.com",
        phone: "2175550101",
        birthday: "1990-04-02",
        externalId: "PMS-1",
      },
    });
    ben = await createMember({ ctx: p.team, input: { firstName: "Ben", lastName: "Cole", externalId: "PMS-2", cardNumber: "40000002" } });
    foreign = (await makeMembers(t, other.id, [{ firstName: "Ana", lastName: "Bell", phone: "2175550101" }]))[0]!.id;
  });
  afterAll(() => t?.dispose());

  describe("editing details", () => {
    it("a team member changes contact details, birth date, PMS id and card; the audit says what changed", async () => {
      const m = await updateMember({
        ctx: p.team,
        input: {
          id: ana.id,
          email: "Ana.New@Example.com",
          phone: "(217) 555-0199",
          birthday: "1990-04-03",
          externalId: "PMS-1A",
          cardNumber: "40000001",
        },
      });
      expect(m).toMatchObject({
        email: "ana.new@example.com",
        phone: "2175550199",
        birthday: "1990-04-03",
        externalId: "PMS-1A",
        cardNumber: "40000001",
      });
      const [row] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "members.update"), eq(auditLog.targetId, ana.id)));
      expect(row!.details).toMatchObject({ externalId: { from: "PMS-1", to: "PMS-1A" }, cardNumber: { from: null, to: "40000001" } });
      expect(row!.details).not.toHaveProperty("firstName");
    });

    it("a PMS id or card another member holds is refused naming the field and the member", async () => {
      await expect(updateMember({ ctx: p.team, input: { id: ana.id, externalId: "PMS-2" } })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringMatching(/PMS id PMS-2 belongs to another member \(Ben Cole\)/),
        details: { field: "externalId" },
      });
      await expect(updateMember({ ctx: p.team, input: { id: ana.id, cardNumber: "40000002" } })).rejects.toMatchObject({
        code: "CONFLICT",
        details: { field: "cardNumber" },
      });
      expect((await t.db.select().from(members).where(eq(members.id, ana.id)))[0]!.externalId).toBe("PMS-1A");
    });

    it("bad input is refused with the field named; other practices and the kiosk cannot edit", async () => {
      await expect(updateMember({ ctx: p.team, input: { id: ana.id, birthday: "1990-02-31" } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        details: { issues: [{ path: "birthday" }] },
      });
      await expect(updateMember({ ctx: p.team, input: { id: ana.id, email: "not an email" } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      await expect(updateMember({ ctx: other.team, input: { id: ana.id, firstName: "X" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(updateMember({ ctx: p.kiosk, input: { id: ana.id, firstName: "X" } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });
  });

  describe("consent recorded on the patient's behalf", () => {
    it("media consent raises consent.given once: the reward fires exactly once, who and when are shown", async () => {
      const before = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
      const first = await recordConsent({ ctx: p.team, input: { memberId: ana.id, kind: "media" } });
      expect(first.already).toBe(false);
      expect(first.awards).toEqual([expect.objectContaining({ rule: "Media consent", points: 100 })]);
      const again = await recordConsent({ ctx: p.admin, input: { memberId: ana.id, kind: "media" } });
      expect(again).toMatchObject({ already: true, awards: [] });
      expect((await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance).toBe(before + 100);
      const recorded = await t.db
        .select()
        .from(events)
        .where(and(eq(events.memberId, ana.id), eq(events.type, "consent.given")));
      expect(recorded).toHaveLength(1);

      await recordConsent({ ctx: p.team, input: { memberId: ana.id, kind: "sms" } });
      const list = await consentHistory({ ctx: p.team, input: { memberId: ana.id } });
      expect(list.map((c) => [c.kind, c.recordedBy])).toEqual(
        expect.arrayContaining([
          ["media", "Team"],
          ["sms", "Team"],
        ]),
      );
      expect(list.every((c) => c.givenAt instanceof Date)).toBe(true);
    });

    it("other practices, the kiosk and bad input are refused", async () => {
      await expect(recordConsent({ ctx: other.team, input: { memberId: ana.id, kind: "media" } })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(recordConsent({ ctx: p.kiosk, input: { memberId: ana.id, kind: "media" } })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(recordConsent({ ctx: p.team, input: { memberId: "nope", kind: "media" } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      await expect(consentHistory({ ctx: other.team, input: { memberId: ana.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("manual rewards completed at the desk", () => {
    it("records the request as completed by staff and approved, awards through the rules, audits it", async () => {
      const r = await completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "Left a review", note: "5 stars on Google" } });
      expect(r).toMatchObject({ status: "approved", rule: "Left a review", points: 40, approvedPatientRequest: false });
      const [req] = await t.db.select().from(actionRequests).where(eq(actionRequests.id, r.requestId!));
      expect(req).toMatchObject({ status: "approved", response: "Completed at the desk by Team: 5 stars on Google" });
      expect(req!.decidedBy).toBeTruthy();
      const [audited] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "approvals.completeForMember"), eq(auditLog.targetId, r.requestId!)));
      expect(audited!.details).toMatchObject({ memberId: ben.id, rule: "Left a review", points: 40 });
      expect(await listApprovals({ ctx: p.team })).toEqual([]);
    });

    it("the rule's limit applies: a second review is refused with why, nothing is awarded", async () => {
      const before = (await getBalance({ ctx: p.team, input: { memberId: ben.id } })).balance;
      await expect(completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "Left a review" } })).rejects.toMatchObject({
        code: "LIMIT_REACHED",
        message: "“Left a review” is limited to once per patient: already used up.",
      });
      await completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "Social post" } });
      await completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "Social post" } });
      await expect(completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "Social post" } })).rejects.toMatchObject({
        code: "LIMIT_REACHED",
        message: expect.stringContaining("2 times a month"),
      });
      expect((await getBalance({ ctx: p.team, input: { memberId: ben.id } })).balance).toBe(before + 40);
    });

    it("wrong role, other practice, unknown reward and bad input are refused", async () => {
      await expect(
        completeForMember({ ctx: p.asMember(ben.id), input: { memberId: ben.id, rule: "Attended event" } }),
      ).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(completeForMember({ ctx: other.team, input: { memberId: ben.id, rule: "Attended event" } })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "No such reward" } })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(completeForMember({ ctx: p.team, input: { memberId: ben.id, rule: "" } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    });
  });

  describe("history lines", () => {
    it("say what was redeemed and which staff user adjusted", async () => {
      await adjustPoints({ ctx: p.admin, input: { memberId: ben.id, points: 500, note: "Welcome gift" } });
      const reward = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Water bottle", pointsPrice: 150 } });
      await redeemReward({ ctx: p.team, input: { memberId: ben.id, rewardId: reward.id } });
      const lines = await ledgerHistory({ ctx: p.team, input: { memberId: ben.id } });
      expect(lines.map((l) => l.why)).toEqual(
        expect.arrayContaining(['-150 points redeemed for "Water bottle"', "500 points adjusted by Admin: Welcome gift"]),
      );
    });
  });

  describe("duplicates and merging", () => {
    let dup: Awaited<ReturnType<typeof createMember>>;
    let twin: Awaited<ReturnType<typeof createMember>>;
    beforeAll(async () => {
      dup = await createMember({
        ctx: p.team,
        input: { firstName: "ana", lastName: "BELL", birthday: "1990-04-03", externalId: "PMS-9", cardNumber: "40000009" },
      });
      twin = await createMember({ ctx: p.team, input: { firstName: "Eva", lastName: "Bell", phone: "217-555-0199" } });
      await adjustPoints({ ctx: p.team, input: { memberId: dup.id, points: 70, note: "Old card points" } });
      await t.db.insert(checkIns).values({ practiceId: p.id, memberId: dup.id, method: "staff", at: new Date() });
    });

    it("suggests the same name and birth date, or the same phone, never across practices", async () => {
      const found = await findDuplicates({ ctx: p.team, input: { memberId: ana.id } });
      expect(found.map((d) => [d.id, d.reasons])).toEqual([
        [dup.id, ["same name and birth date"]],
        [twin.id, ["same phone"]],
      ]);
      expect(found.map((d) => d.id)).not.toContain(foreign);
      await expect(findDuplicates({ ctx: other.team, input: { memberId: ana.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(findDuplicates({ ctx: p.kiosk, input: { memberId: ana.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    });

    it("the confirm step says what will be combined; only admins merge", async () => {
      const preview = await mergePreview({ ctx: p.admin, input: { sourceId: dup.id, targetId: ana.id } });
      const anaBalance = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
      expect(preview.source).toMatchObject({ balance: 70, visits: 1, externalId: "PMS-9" });
      expect(preview.after).toMatchObject({ balance: anaBalance + 70, externalId: "PMS-1A", aliasPmsId: "PMS-9", cardNumber: "40000001" });
      await expect(mergePreview({ ctx: p.team, input: { sourceId: dup.id, targetId: ana.id } })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(mergeMembers({ ctx: p.team, input: { sourceId: dup.id, targetId: ana.id } })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(mergePreview({ ctx: p.admin, input: { sourceId: ana.id, targetId: ana.id } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
    });

    it("combines history and balances exactly; the duplicate's PMS id leads imports to the survivor", async () => {
      const before = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
      const r = await mergeMembers({ ctx: p.admin, input: { sourceId: dup.id, targetId: ana.id } });
      expect(r).toMatchObject({ pointsMoved: 70, aliasPmsId: "PMS-9" });
      const after = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
      expect(after).toBe(before + 70);
      expect(await ledgerSum(t.db, p.id, ana.id)).toBe(after);
      expect(await ledgerSum(t.db, p.id, dup.id)).toBe(0);
      // The survivor's history holds the duplicate's lines; together they add up to the balance.
      const lines = await ledgerHistory({ ctx: p.team, input: { memberId: ana.id, limit: 500 } });
      expect(lines.some((l) => l.memberId === dup.id && l.why === "70 points adjusted by Team: Old card points")).toBe(true);
      expect(lines.reduce((s, l) => s + l.points, 0)).toBe(after);
      expect(await t.db.select().from(checkIns).where(eq(checkIns.memberId, ana.id))).toHaveLength(1);

      // A patient import row with the merged-away PMS id finds the survivor (and is not created again).
      const imported = await importPatientRows(
        p.admin,
        [
          {
            row: 2,
            raw: { pmsId: "PMS-9", firstName: "Ana", lastName: "Bell", email: "", phone: "", birthDate: "", cardNumber: "", tags: "" },
          },
        ],
        {
          dryRun: false,
          source: "csv",
        },
      );
      expect(imported).toMatchObject({ created: 0, skipped: 1 });
      expect(imported.skippedRows[0]!.message).toMatch(/merged into Ana Bell/);
      // An invoice for that PMS id is credited to the survivor.
      const result = await importInvoices({
        ctx: p.admin,
        input: [
          {
            externalMemberId: "PMS-9",
            invoiceId: "INV-9",
            date: "2026-03-01T15:00:00Z",
            status: "paid",
            lines: [{ code: "CLEAN", amount: "120.00" }],
          },
        ],
      });
      expect(result.rowErrors).toEqual([]);
      expect((await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance).toBe(after + 12);
      const credited = await t.db
        .select()
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.memberId, ana.id), eq(ledgerEntries.ruleName, "Spend points")));
      expect(credited).toHaveLength(1);
    });
  });
});
