// Inducement guardrails and patient data requests at the core level: the write pipeline awards an
// excluded member nothing whatever the door (one event, a batch, both store strategies, either side
// of a referral), redemption refuses them and enforces the yearly limit, referral rewards can be
// switched off, and erasure keeps the ledger while the name disappears.
import { auditLog, events, ledgerEntries, memberBalances, members, practices } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward, listRewards } from "../catalog/rewards.ts";
import { recordEvents } from "../events/record-events.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { itemLimitWarning } from "../redemption/inducements.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { inTx } from "../verb.ts";
import { eraseMember, exportMemberData } from "./data-requests.ts";
import { setRewardExclusion } from "./reward-exclusion.ts";

const rules = `earn "Spend" on invoice.paid {
  rate 1 point per $1
}
reward "Visit" on visit.checked_in {
  award 5 points
}
reward "Friend" on referral.converted {
  award 50 points to referrer
  award 20 points to member
}`;

describe("inducement guardrails and data requests (core)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let excluded: string;
  let other: string;
  const balance = async (id: string) => (await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, id)))[0]?.balance ?? 0;
  const entriesOf = async (id: string) => t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, id));
  let n = 0;
  const at = () => new Date(Date.UTC(2026, 2, 1, 15, n++)).toISOString();

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    [{ id: excluded }, { id: other }] = await makeMembers(t, p.id, [
      {
        firstName: "Zelda",
        lastName: "Quartermaine",
        email: "zelda.q@example.com",
        phone: "5550101234",
        birthday: "1951-07-04",
        externalId: "PMS-ZQ",
      },
      { firstName: "Otto", lastName: "Other" },
    ]).then((rows) => rows.map((r) => ({ id: r.id })));
  });
  afterAll(() => t?.dispose());

  it("staff mark a member excluded: who and when are kept, and the change is audited", async () => {
    const r = await setRewardExclusion({ ctx: p.team, input: { memberId: excluded, excluded: true } });
    expect(r).toMatchObject({ excluded: true, excludedBy: p.team.actor.id });
    expect(r.excludedAt).toBeInstanceOf(Date);
    const rows = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "members.setExclusion"), eq(auditLog.targetId, excluded)));
    expect(rows.map((a) => a.details)).toEqual([{ excluded: true }]);
  });

  it("the pipeline records their events and writes no ledger entry, one by one or in batches, with either store strategy", async () => {
    const inputs = (prefix: string) => [
      {
        id: `${prefix}-inv`,
        type: "invoice.paid" as const,
        at: at(),
        member: excluded,
        invoice: { id: `${prefix}-i`, lines: [{ code: "D1110", amount: "120.00" }] },
      },
      { id: `${prefix}-visit`, type: "visit.checked_in" as const, at: at(), member: excluded, visit: { method: "staff" as const } },
    ];
    for (const input of inputs("one")) await inTx(p.team, (tx) => recordEvents(tx, p.team, [input]));
    await inTx(p.system, (tx) => recordEvents(tx, p.system, inputs("batch"), { source: "import" }));
    await inTx(p.system, (tx) => recordEvents(tx, p.system, inputs("stmt"), { source: "import", strategy: "statement" }));
    const recorded = await t.db.select().from(events).where(eq(events.memberId, excluded));
    expect(recorded).toHaveLength(6);
    expect(await entriesOf(excluded)).toEqual([]);
    expect(await balance(excluded)).toBe(0);
    // The same events for a member who is not excluded earn as usual.
    await inTx(p.team, (tx) =>
      recordEvents(tx, p.team, [
        {
          id: "other-inv",
          type: "invoice.paid",
          at: at(),
          member: other,
          invoice: { id: "o-i", lines: [{ code: "D1110", amount: "10.00" }] },
        },
      ]),
    );
    expect(await balance(other)).toBe(10);
  });

  it("a referral rewards only the party who is not excluded", async () => {
    await inTx(p.team, (tx) =>
      recordEvents(tx, p.team, [
        { id: "ref-1", type: "referral.converted", at: at(), member: other, referral: { referrer: excluded, campaign: "spring" } },
        { id: "ref-2", type: "referral.converted", at: at(), member: excluded, referral: { referrer: other, campaign: "spring" } },
      ]),
    );
    expect(await entriesOf(excluded)).toEqual([]);
    expect(
      (await entriesOf(other))
        .filter((e) => e.ruleName === "Friend")
        .map((e) => e.points)
        .sort(),
    ).toEqual([20, 50]);
  });

  it("redemption refuses an excluded member with EXCLUDED", async () => {
    const reward = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Mug", pointsPrice: 10 } });
    await expect(redeemReward({ ctx: p.team, input: { memberId: excluded, rewardId: reward.id } })).rejects.toMatchObject({
      code: "EXCLUDED",
      details: { reason: "excluded" },
    });
  });

  it("the yearly limit counts this year's redemptions at the point cost; the catalog warns above the per-item limit", async () => {
    // $0.10 a point: a 100-point reward is worth $10; the limit is $25 a year.
    await t.db
      .update(practices)
      .set({ pointCostCentiCents: 1000, yearlyRedemptionLimitCents: 2500, rewardValueLimitCents: 1500 })
      .where(eq(practices.id, p.id));
    await adjustPoints({ ctx: p.team, input: { memberId: other, points: 1000, note: "start" } });
    const reward = await createReward({ ctx: p.admin, input: { kind: "in_house", name: "Bottle", pointsPrice: 100 } });
    await redeemReward({ ctx: p.team, input: { memberId: other, rewardId: reward.id } });
    await redeemReward({ ctx: p.team, input: { memberId: other, rewardId: reward.id } });
    await expect(redeemReward({ ctx: p.team, input: { memberId: other, rewardId: reward.id } })).rejects.toMatchObject({
      code: "YEARLY_LIMIT",
      details: { limitCents: 2500, redeemedCents: 2000 },
    });
    const [practice] = await t.db.select().from(practices).where(eq(practices.id, p.id));
    expect(itemLimitWarning({ pointsPrice: 100, valueCents: null }, practice!)).toBeNull();
    expect(itemLimitWarning({ pointsPrice: 100, valueCents: 2000 }, practice!)).toMatch(/\$20\.00.*\$15\.00/);
    expect(itemLimitWarning({ pointsPrice: 200, valueCents: null }, practice!)).toMatch(/\$20\.00/);
    const listed = await listRewards({ ctx: p.admin, input: { includeDisabled: true } });
    expect(listed.find((r) => r.id === reward.id)).toMatchObject({ limitWarning: null });
  });

  it("referral rewards switched off: referral rules award nothing", async () => {
    await t.db.update(practices).set({ referralRewards: false }).where(eq(practices.id, p.id));
    const [third] = await makeMembers(t, p.id, [{ firstName: "Third", lastName: "Person" }]);
    const before = await balance(other);
    await inTx(p.team, (tx) =>
      recordEvents(tx, p.team, [
        { id: "ref-off", type: "referral.converted", at: at(), member: third!.id, referral: { referrer: other, campaign: "s" } },
      ]),
    );
    expect(await balance(other)).toBe(before);
    expect(await balance(third!.id)).toBe(0);
    await t.db.update(practices).set({ referralRewards: true }).where(eq(practices.id, p.id));
  });

  it("export holds everything about the member; erasure keeps the ledger and leaves the name nowhere", async () => {
    await setRewardExclusion({ ctx: p.team, input: { memberId: excluded, excluded: false } });
    await inTx(p.team, (tx) =>
      recordEvents(tx, p.team, [
        {
          id: "late-inv",
          type: "invoice.paid",
          at: at(),
          member: excluded,
          invoice: { id: "late-i", lines: [{ code: "D1110", amount: "30.00" }] },
        },
      ]),
    );
    const json = await exportMemberData({ ctx: p.admin, input: { memberId: excluded } });
    expect(json.format).toBe("json");
    if (json.format !== "json") throw new Error("json expected");
    expect(json.data.member).toMatchObject({ firstName: "Zelda", email: "zelda.q@example.com" });
    expect(json.data.tables.events!.length).toBe(8);
    // Numbers on both engines (PostgreSQL's driver reads bigint as text; the export converts it).
    expect(json.data.tables.ledger_entries!.map((e) => e.points)).toStrictEqual([30]);
    expect(json.data.tables.member_balances?.map((b) => b.balance)).toStrictEqual([30]);
    const csv = await exportMemberData({ ctx: p.admin, input: { memberId: excluded, format: "csv" } });
    if (csv.format !== "csv") throw new Error("csv expected");
    expect(csv.files["member.csv"]).toContain("Quartermaine");
    expect(Object.keys(csv.files)).toContain("events.csv");

    const ledgerBefore = await entriesOf(excluded);
    await expect(eraseMember({ ctx: p.admin, input: { memberId: excluded, confirmLastName: "Wrong" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await eraseMember({ ctx: p.admin, input: { memberId: excluded, confirmLastName: "quartermaine" } });
    expect(await entriesOf(excluded)).toEqual(ledgerBefore);
    expect(await balance(excluded)).toBe(30);
    const [row] = await t.db.select().from(members).where(eq(members.id, excluded));
    expect(row).toMatchObject({ email: null, phone: null, birthday: null, externalId: null });
    expect(row!.erasedAt).toBeInstanceOf(Date);
    const payloads = (await t.db.select().from(events).where(eq(events.memberId, excluded))).map((e) => JSON.stringify(e.payload));
    expect(payloads.join()).not.toMatch(/D1110/);
    expect(payloads.join()).toMatch(/30\.00/);
    for (const needle of ["Quartermaine", "zelda.q@example.com", "5550101234", "1951-07-04", "PMS-ZQ"]) {
      expect(await textMentions(t, needle)).toEqual([]);
    }
  });
});

/** Every table and text/jsonb column of the database holding this text (case-insensitive). */
async function textMentions(t: TestDatabase, needle: string): Promise<string[]> {
  const columns = await query<{ table_name: string; column_name: string }>(
    t.db,
    sql`select c.table_name, c.column_name from information_schema.columns c
        join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name and tb.table_type = 'BASE TABLE'
        where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const c of columns) {
    const rows = await query<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from ${sql.raw(`"${c.table_name}"`)} where ${sql.raw(`"${c.column_name}"`)}::text ilike ${`%${needle}%`}`,
    );
    if (Number(rows[0]?.n ?? 0) > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}
