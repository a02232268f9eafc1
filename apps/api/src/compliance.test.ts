// Issue 21 through the API: inducement guardrails (an excluded member earns nothing through every
// door, redemption answers EXCLUDED, the yearly limit, the catalog's warning, referral rewards
// switched off) and patient data requests (export; erasure keeps report totals while the name
// appears nowhere in the database).
import { ledgerEntries, members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobDefinitions } from "./jobs/handlers.ts";
import { type ImportJobData, runImportJob } from "./jobs/import-job.ts";
import { createHarness, type Harness, type TestClient } from "./testing/harness.ts";
import { rowsOf } from "./testing/procedures.ts";

describe("compliance: inducement guardrails and patient data requests (API)", () => {
  let h: Harness;
  let admin: TestClient;
  let team: TestClient;
  let kiosk: TestClient;
  let key: string;
  let ana: typeof members.$inferSelect;
  let ben: typeof members.$inferSelect;
  const P = () => h.practiceIds["bright-smiles"]!;
  const entriesOf = async (id: string) => h.t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, id));
  const eventCount = async (id: string) =>
    Number((await rowsOf<{ n: number }>(h, sql`select count(*)::int as n from events where member_id = ${id}::uuid`))[0]!.n);
  const bearer = () => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
  const postCsv = (csv: string, query = "?wait=true") =>
    h.request(`/api/v1/imports${query}`, {
      method: "POST",
      headers: { cookie: admin.cookieHeader(), "content-type": "text/csv" },
      body: csv,
    });

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    team = await h.staff("team_member");
    await admin.rules.save.mutate({
      source: [
        'earn "Spend" on invoice.paid {\n  rate 1 point per $1\n  items all\n}',
        'reward "Visit" on visit.checked_in {\n  award 5 points\n}',
        'reward "Friend" on referral.converted {\n  award 50 points to referrer\n  award 20 points to member\n}',
      ].join("\n"),
      publish: true,
    });
    key = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    const { code } = await admin.kiosks.createPairing.mutate({ name: "Lobby" });
    const { token } = await h.client().checkin.pair.mutate({ code });
    kiosk = h.client({ headers: { authorization: `Bearer ${token}` } });
    const rows = await h.t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, P()), eq(members.status, "member")));
    ana = rows.find((m) => m.firstName === "Ana")!;
    ben = rows.find((m) => m.id !== ana.id && m.externalId && m.cardNumber)!;
  });
  afterAll(async () => h?.dispose());

  it("staff mark a member excluded on the profile, with who and when", async () => {
    const r = await team.members.setExclusion.mutate({ memberId: ana.id, excluded: true });
    expect(r.excluded).toBe(true);
    const profile = await team.members.get.query({ id: ana.id });
    expect(profile.member).toMatchObject({ excludedFromRewards: true });
    expect(profile.member.excludedBy).toBeTruthy();
  });

  it("an excluded member earns nothing through any door: desk, kiosk, JSON invoices, both CSV readers, the nightly job, referrals", async () => {
    const before = await eventCount(ana.id);
    await team.checkin.byStaff.mutate({ method: "staff", memberId: ana.id });
    expect((await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! })).status).toBe("checked_in");
    const json = await h.request("/api/v1/invoices", {
      method: "POST",
      headers: bearer(),
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: ana.externalId,
            invoiceId: "X-J1",
            date: "2026-03-01",
            status: "paid",
            lines: [{ code: "D1110", amount: "80.00" }],
          },
        ],
      }),
    });
    expect(json.status).toBe(200);
    // The plain reader (no quotes) and csv-parse (a quoted field).
    expect((await postCsv(`member_id,invoice_id,date,status,code,amount\n${ana.externalId},X-C1,2026-03-02,paid,D1110,40.00`)).status).toBe(
      200,
    );
    expect(
      (await postCsv(`member_id,invoice_id,date,status,code,amount\n"${ana.externalId}",X-C2,2026-03-03,paid,"D0120",25.00`)).status,
    ).toBe(200);
    const nightly = await postCsv(`member_id,invoice_id,date,code,amount\n${ana.externalId},X-N1,2026-03-04,D1110,30.00`, "?when=nightly");
    const { jobId } = (await nightly.json()) as { jobId: string };
    const [job] = await h.app.deps.jobs.boss.fetch<ImportJobData>("import.nightly", { ignoreStartAfter: true, includeMetadata: true });
    expect(job?.id).toBe(jobId);
    await runImportJob(job!, h.app.deps);
    // Referrals, the excluded member on either side: only the other party earns.
    for (const [id, member, referrer] of [
      ["X-R1", ben.id, ana.id],
      ["X-R2", ana.id, ben.id],
    ] as const) {
      const r = await h.request("/api/v1/events", {
        method: "POST",
        headers: bearer(),
        body: JSON.stringify({
          id,
          type: "referral.converted",
          at: "2026-03-05T15:00:00Z",
          member,
          referral: { referrer, campaign: "spring" },
        }),
      });
      expect(r.status).toBe(201);
    }
    const sources = await rowsOf<{ source: string; type: string }>(
      h,
      sql`select source, type from events where member_id = ${ana.id}::uuid order by recorded_at`,
    );
    // Every door recorded its event (the referral she made is the referee's event).
    expect(await eventCount(ana.id)).toBe(before + 7);
    expect(sources.slice(before).map((x) => `${x.source}:${x.type}`)).toEqual([
      "staff:visit.checked_in",
      "kiosk:visit.checked_in",
      "api:invoice.paid",
      "csv:invoice.paid",
      "csv:invoice.paid",
      "nightly:invoice.paid",
      "api:referral.converted",
    ]);
    expect(await entriesOf(ana.id)).toEqual([]);
    expect(
      (await entriesOf(ben.id))
        .filter((e) => e.ruleName === "Friend")
        .map((e) => e.points)
        .sort(),
    ).toEqual([20, 50]);
  });

  it("redemption refuses an excluded member with EXCLUDED", async () => {
    const reward = await admin.catalog.createReward.mutate({ kind: "in_house", name: "Sticker", pointsPrice: 1 });
    await expect(team.redemption.redeem.mutate({ memberId: ana.id, rewardId: reward.id })).rejects.toMatchObject({
      data: { appCode: "EXCLUDED" },
    });
  });

  it("settings: the yearly limit refuses past it (YEARLY_LIMIT), the catalog warns above the per-item limit", async () => {
    const settings = await admin.practice.updateSettings.mutate({
      pointCostCentiCents: 1000,
      rewardValueLimitCents: 1500,
      yearlyRedemptionLimitCents: 2000,
    });
    expect(settings).toMatchObject({ rewardValueLimitCents: 1500, yearlyRedemptionLimitCents: 2000, referralRewards: true });
    const big = await admin.catalog.createReward.mutate({ kind: "in_house", name: "Speaker", pointsPrice: 160 });
    const listed = await admin.catalog.rewards.query({ includeDisabled: true });
    expect(listed.find((r) => r.id === big.id)!.limitWarning).toMatch(/\$16\.00.*\$15\.00/);
    const small = await admin.catalog.createReward.mutate({ kind: "in_house", name: "Floss", pointsPrice: 100 });
    await team.ledger.adjust.mutate({ memberId: ben.id, points: 500, note: "start" });
    await team.redemption.redeem.mutate({ memberId: ben.id, rewardId: small.id });
    await team.redemption.redeem.mutate({ memberId: ben.id, rewardId: small.id });
    await expect(team.redemption.redeem.mutate({ memberId: ben.id, rewardId: small.id })).rejects.toMatchObject({
      data: { appCode: "YEARLY_LIMIT" },
    });
    await admin.practice.updateSettings.mutate({ rewardValueLimitCents: null, yearlyRedemptionLimitCents: null });
  });

  it("referral rewards switched off: the referral rules award nothing", async () => {
    await admin.practice.updateSettings.mutate({ referralRewards: false });
    const before = (await entriesOf(ben.id)).length;
    const other = (await h.t.db.select().from(members).where(eq(members.practiceId, P()))).find(
      (m) => m.id !== ana.id && m.id !== ben.id && m.status === "member",
    )!;
    const r = await h.request("/api/v1/events", {
      method: "POST",
      headers: bearer(),
      body: JSON.stringify({
        id: "X-R3",
        type: "referral.converted",
        at: "2026-03-06T15:00:00Z",
        member: other.id,
        referral: { referrer: ben.id, campaign: "spring" },
      }),
    });
    expect(r.status).toBe(201);
    expect((await entriesOf(ben.id)).length).toBe(before);
    await admin.practice.updateSettings.mutate({ referralRewards: true });
  });

  it("export and erasure: the member's totals stay in the reports and their name appears nowhere", async () => {
    await team.members.setExclusion.mutate({ memberId: ana.id, excluded: false });
    await team.ledger.adjust.mutate({ memberId: ana.id, points: 40, note: "goodwill" });
    const exported = await admin.members.exportData.mutate({ memberId: ana.id });
    if (exported.format !== "json") throw new Error("json expected");
    expect(exported.data.member).toMatchObject({ lastName: ana.lastName });
    expect(Object.keys(exported.data.tables)).toEqual(expect.arrayContaining(["events", "ledger_entries", "check_ins"]));
    const csv = await admin.members.exportData.mutate({ memberId: ana.id, format: "csv" });
    if (csv.format !== "csv") throw new Error("csv expected");
    expect(csv.files["events.csv"]!.split("\r\n")[0]).toContain("payload");
    await expect(team.members.erase.mutate({ memberId: ana.id, confirmLastName: ana.lastName })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });

    const range = { from: new Date("2020-01-01T00:00:00Z"), to: new Date(Date.now() + 86_400_000) };
    const reportBefore = await admin.reports.overview.query(range);
    await admin.members.erase.mutate({ memberId: ana.id, confirmLastName: ana.lastName });
    const reportAfter = await admin.reports.overview.query(range);
    expect(reportAfter.summary).toEqual(reportBefore.summary);
    expect((await admin.ledger.balance.query({ memberId: ana.id })).balance).toBe(40);

    for (const needle of [ana.lastName, ana.email!, ana.phone!, ana.cardNumber!, ana.externalId!]) {
      expect({ needle, found: await textMentions(needle) }).toEqual({ needle, found: [] });
    }
    const audit = await rowsOf<{ action: string }>(
      h,
      sql`select action from audit_log where target_id = ${ana.id} and action like 'members.%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["members.setExclusion", "members.exportData", "members.erase"]));
  });

  it("retention: the daily job removes line items from invoices older than the practice's setting, keeping totals and the ledger", async () => {
    const post = (invoiceId: string, date: string) =>
      h.request("/api/v1/invoices", {
        method: "POST",
        headers: bearer(),
        body: JSON.stringify({
          invoices: [
            {
              externalMemberId: ben.externalId,
              invoiceId,
              date,
              status: "paid",
              lines: [
                { code: "D1110", amount: "60.00" },
                { code: "D0120", amount: "15.50" },
              ],
            },
          ],
        }),
      });
    const old = new Date(Date.now() - 3 * 365 * 86_400_000).toISOString().slice(0, 10);
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    expect((await post("RET-OLD", old)).status).toBe(200);
    expect((await post("RET-NEW", recent)).status).toBe(200);
    const ledgerBefore = await entriesOf(ben.id);
    const job = jobDefinitions.find((d) => d.name === "retention.line-items")!;
    const run = () => job.handler({ data: { practiceId: P() } } as never, h.app.deps);
    expect(await run()).toEqual({ stripped: 0 });
    await admin.practice.updateSettings.mutate({ lineItemRetentionYears: 2 });
    expect(await run()).toEqual({ stripped: 1 });
    const invoiceOf = async (id: string) =>
      (await rowsOf<{ invoice: unknown }>(h, sql`select payload->'invoice' as invoice from events where external_id like ${`%${id}%`}`))[0]!
        .invoice;
    expect(await invoiceOf("RET-OLD")).toMatchObject({ lines: [], total: "75.50", linesRemoved: true });
    expect(await invoiceOf("RET-NEW")).toMatchObject({ lines: [{ code: "D1110" }, { code: "D0120" }] });
    expect(await entriesOf(ben.id)).toEqual(ledgerBefore);
    await admin.practice.updateSettings.mutate({ lineItemRetentionYears: null });
  });

  /** Every text-like column of every table holding this text: a dump of the database, searched. */
  async function textMentions(needle: string): Promise<string[]> {
    const columns = await rowsOf<{ table_name: string; column_name: string }>(
      h,
      sql`select c.table_name, c.column_name from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
          where c.table_schema = current_schema() and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const c of columns) {
      const [row] = await rowsOf<{ n: number }>(
        h,
        sql`select count(*)::int as n from ${sql.raw(`"${c.table_name}"`)} where ${sql.raw(`"${c.column_name}"`)}::text ilike ${`%${needle}%`}`,
      );
      if (Number(row?.n ?? 0) > 0) found.push(`${c.table_name}.${c.column_name}`);
    }
    return found;
  }
});
