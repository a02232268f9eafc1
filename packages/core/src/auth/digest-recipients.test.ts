import { ledgerEntries, practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { setEmailUpdates } from "../members/member-overview.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { digestRecipients } from "./digest-recipients.ts";

describe("digestRecipients", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const from = new Date(Date.now() - 60 * 60_000);
  const to = new Date(Date.now() + 60 * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("leaves out members who turned email updates off, and takes them back when they turn them on again", async () => {
    const [never, off, backOn] = await makeMembers(t, p.id, [
      { firstName: "Ana", email: "ana@example.com", registered: true },
      { firstName: "Bo", email: "bo@example.com", registered: true },
      { firstName: "Cy", email: "cy@example.com", registered: true },
    ]);
    for (const m of [never!, off!, backOn!]) await adjustPoints({ ctx: p.team, input: { memberId: m.id, points: 30, note: "visit" } });
    await setEmailUpdates({ ctx: p.asMember(off!.id), input: { memberId: off!.id, enabled: false } });
    await setEmailUpdates({ ctx: p.asMember(backOn!.id), input: { memberId: backOn!.id, enabled: false } });
    // A later choice wins over an earlier one.
    await new Promise((r) => setTimeout(r, 5));
    await setEmailUpdates({ ctx: p.asMember(backOn!.id), input: { memberId: backOn!.id, enabled: true } });

    const recipients = await digestRecipients(t.db, p.id, from, to);
    expect(recipients.map((r) => r.firstName).sort()).toEqual(["Ana", "Cy"]);
    expect(recipients.find((r) => r.firstName === "Ana")).toMatchObject({ email: "ana@example.com", points: 30, balance: 30 });
  });
});

describe("digestRecipients: program status and when points were recorded", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  it("sends nothing while the program is in test mode (patients may not see points)", async () => {
    const p = await makePractice(t, { status: "test" });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Tess", email: "tess@example.com", registered: true }]);
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 40, note: "visit" } });
    const now = Date.now();
    expect(await digestRecipients(t.db, p.id, new Date(now - 3_600_000), new Date(now + 3_600_000))).toEqual([]);
    // The same points once the program is on are in the digest.
    await t.db.update(practices).set({ status: "on" }).where(eq(practices.id, p.id));
    const on = await digestRecipients(t.db, p.id, new Date(now - 3_600_000), new Date(now + 3_600_000));
    expect(on.map((r) => [r.firstName, r.points])).toEqual([["Tess", 40]]);
  });

  it("selects points by when they were recorded, so an overnight import of last week's invoice is in today's digest", async () => {
    const p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: 'earn "Spend" on invoice.paid { rate 1 point per $1 items all }', publish: true } });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ivo", email: "ivo@example.com", registered: true }]);
    // An invoice paid a week ago, imported (recorded) now: the ledger entry counts a week ago.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    await recordEvent({
      ctx: p.system,
      input: {
        id: "late-1",
        type: "invoice.paid",
        at: weekAgo.toISOString(),
        member: m!.id,
        invoice: { id: "INV-1", lines: [{ code: "X", amount: "25.00" }] },
      },
    });
    const [entry] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, m!.id));
    expect(entry).toMatchObject({ points: 25, at: weekAgo });
    const now = Date.now();
    const today = await digestRecipients(t.db, p.id, new Date(now - 3_600_000), new Date(now + 3_600_000));
    expect(today.map((r) => [r.firstName, r.points])).toEqual([["Ivo", 25]]);
    // The day the invoice is dated had no recorded points.
    const thatDay = await digestRecipients(t.db, p.id, new Date(+weekAgo - 3_600_000), new Date(+weekAgo + 3_600_000));
    expect(thatDay).toEqual([]);
  });
});
