// Date-only invoices (SPEC 5 step 6): timed at the member's latest check-in that local day, else
// at 12:00 local; so an imported invoice falls inside the instant-reward window its visit opened,
// the coupon unlocks, staff are prompted (the pipeline's NOTIFY), and a re-import changes nothing.

import { Readable } from "node:stream";
import { events, issuedCoupons } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCoupons } from "../catalog/coupons.ts";
import { LIVE_CHANNEL, readNotices, type UnlockNotice } from "../events/live.ts";
import { recordEvent } from "../events/record-event.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { importInvoices } from "./import-invoices.ts";
import { importPlainCsv } from "./import-plain-csv.ts";
import { localNoon } from "./invoice-time.ts";

const RULES = `earn "Spend" on invoice.paid { rate 1 point per $10 }
instant "Big visit" {
  window 4 hours
  when visit.spend >= $300
  unlock coupon "free-whitening" for 30 days
}
`;

const TZ = "America/New_York";
/** A local date `days` days before today in the practice's zone. */
const localDay = (days: number) => new Date(Date.now() - days * 86_400_000).toLocaleDateString("en-CA", { timeZone: TZ });

describe("date-only invoices", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ms: Awaited<ReturnType<typeof makeMembers>>;
  const heard: UnlockNotice[] = [];
  let stop: () => Promise<void>;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: TZ });
    await saveRuleSet({ ctx: p.admin, input: { source: RULES, publish: true } });
    ms = await makeMembers(t, p.id, [{ externalId: "T-1" }, { externalId: "T-2" }, { externalId: "T-3" }]);
    stop = await t.listen(LIVE_CHANNEL, (payload) => heard.push(...readNotices(payload)));
  });
  afterAll(async () => {
    await stop?.();
    await t?.close();
  });

  const atOf = async (externalId: string) => {
    const [row] = await t.db
      .select({ at: events.at, payload: events.payload })
      .from(events)
      .where(and(eq(events.practiceId, p.id), eq(events.externalId, externalId)));
    return row!;
  };

  it("12:00 local is 12:00 on DST days too", () => {
    expect(localNoon("2026-03-08", TZ).toISOString()).toBe("2026-03-08T16:00:00.000Z");
    expect(localNoon("2026-11-01", TZ).toISOString()).toBe("2026-11-01T17:00:00.000Z");
    expect(localNoon("2026-07-01", "Asia/Tokyo").toISOString()).toBe("2026-07-01T03:00:00.000Z");
  });

  it("falls inside the visit's window: the instant reward unlocks and staff hear of it once committed", async () => {
    const day = localDay(1);
    // A visit the day before, then two that day (the later one opens the window that counts).
    const visits = [`${localDay(2)}T16:00:00-05:00`, `${day}T09:00:00-05:00`, `${day}T15:30:00-05:00`].map((s) =>
      new Date(s).toISOString(),
    );
    for (const [i, at] of visits.entries())
      await recordEvent({ ctx: p.system, input: { id: `visit-${i}`, type: "visit.checked_in", at, member: ms[0]!.id } });
    const result = await importInvoices({
      ctx: p.admin,
      input: [
        { externalMemberId: "T-1", invoiceId: "INV-1", date: day, status: "paid", lines: [{ code: "CROWN", amount: "450.00" }] },
        { externalMemberId: "T-2", invoiceId: "INV-2", date: day, status: "paid", lines: [{ code: "CROWN", amount: "450.00" }] },
      ],
    });
    expect(result.rowErrors).toEqual([]);
    expect(result.imported).toBe(2);

    const first = await atOf("invoice:INV-1:paid");
    expect(first.at.toISOString()).toBe(visits[2]);
    expect(first.payload.dateOnly).toBe(true);
    // No visit that day: 12:00 in the practice's zone.
    expect((await atOf("invoice:INV-2:paid")).at.toISOString()).toBe(localNoon(day, TZ).toISOString());

    const coupons = await t.db.select().from(issuedCoupons).where(eq(issuedCoupons.practiceId, p.id));
    expect(coupons.map((c) => [c.memberId, c.coupon, c.status])).toEqual([[ms[0]!.id, "free-whitening", "active"]]);
    await expect.poll(() => heard.length).toBe(1);
    expect(heard[0]).toMatchObject({ practiceId: p.id, memberId: ms[0]!.id, coupons: [{ code: "free-whitening" }] });
  });

  it("a re-import of the same rows is neither a revision nor a conflict, even after a later visit that day", async () => {
    const day = localDay(1);
    await recordEvent({
      ctx: p.system,
      input: { id: "visit-late", type: "visit.checked_in", at: new Date(`${day}T18:00:00-05:00`).toISOString(), member: ms[0]!.id },
    });
    const again = await importInvoices({
      ctx: p.admin,
      input: [{ externalMemberId: "T-1", invoiceId: "INV-1", date: day, status: "paid", lines: [{ code: "CROWN", amount: "450.00" }] }],
    });
    expect(again).toMatchObject({ imported: 0, revised: 0, skipped: 1 });
    // An integration sending the same invoice with a time of its own is the same event, not a conflict.
    const resent = await recordEvent({
      ctx: p.system,
      input: {
        id: "invoice:INV-1:paid",
        type: "invoice.paid",
        at: `${day}T12:00:00.000Z`,
        member: ms[0]!.id,
        invoice: { id: "INV-1", lines: [{ code: "CROWN", amount: "450.00" }] },
      },
    });
    expect(resent.duplicate).toBe(true);
  });

  it("the CSV reader times date-only rows the same way, and an already-expired unlock prompts nobody", async () => {
    const old = localDay(40);
    await recordEvent({
      ctx: p.system,
      input: { id: "visit-old", type: "visit.checked_in", at: new Date(`${old}T10:00:00-05:00`).toISOString(), member: ms[2]!.id },
    });
    const before = heard.length;
    const csv = `member_id,invoice_id,date,status,code,amount\nT-3,INV-3,${old},paid,CROWN,400.00\n`;
    const summary = await importPlainCsv(p.admin, () => Readable.from([csv]));
    expect(summary).toMatchObject({ imported: 1, errorCount: 0 });
    expect((await atOf("invoice:INV-3:paid")).at.toISOString()).toBe(new Date(`${old}T10:00:00-05:00`).toISOString());
    // The 30-day coupon unlocked 40 days ago: recorded, and read as expired.
    const coupons = await listCoupons({ ctx: p.admin, input: { memberId: ms[2]!.id, includeInactive: true } });
    expect(coupons.map((c) => [c.coupon, c.status])).toEqual([["free-whitening", "expired"]]);
    await new Promise((r) => setTimeout(r, 200));
    expect(heard.length).toBe(before);
  });
});
