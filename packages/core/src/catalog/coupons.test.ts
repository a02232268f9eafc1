import { auditLog, issuedCoupons } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { expireCoupons, listCoupons, useCoupon } from "./coupons.ts";

const hour = 3_600_000;

describe("coupon expiry", () => {
  let t: TestDatabase;
  let a: TestPractice;
  let b: TestPractice;
  let memberId: string;
  const now = Date.now();
  const ids: Record<string, string> = {};

  async function issue(p: TestPractice, member: string, key: string, values: Partial<typeof issuedCoupons.$inferInsert>) {
    const [row] = await t.db
      .insert(issuedCoupons)
      .values({ practiceId: p.id, memberId: member, coupon: key, issuedAt: new Date(now - 48 * hour), idempotencyKey: key, ...values })
      .returning();
    return row!.id;
  }
  const statusOf = async (id: string) => (await t.db.select().from(issuedCoupons).where(eq(issuedCoupons.id, id)))[0]!.status;

  beforeAll(async () => {
    t = await createTestDatabase();
    a = await makePractice(t);
    b = await makePractice(t);
    memberId = (await makeMembers(t, a.id, [{}]))[0]!.id;
    const bMember = (await makeMembers(t, b.id, [{}]))[0]!.id;
    ids.expired = await issue(a, memberId, "expired", { expiresAt: new Date(now - hour) });
    ids.valid = await issue(a, memberId, "valid", { expiresAt: new Date(now + 24 * hour) });
    ids.forever = await issue(a, memberId, "forever", { expiresAt: null });
    ids.usedPast = await issue(a, memberId, "used-past", {
      expiresAt: new Date(now - hour),
      status: "used",
      usedAt: new Date(now - 2 * hour),
    });
    ids.otherPractice = await issue(b, bMember, "other", { expiresAt: new Date(now - hour) });
  });
  afterAll(() => t?.dispose());

  it("staff cannot use a coupon past its expiry, even before the job has marked it", async () => {
    expect(await statusOf(ids.expired!)).toBe("active");
    await expect(useCoupon({ ctx: a.team, input: { couponId: ids.expired! } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This coupon has expired.",
    });
    expect(await statusOf(ids.expired!)).toBe("active");
    const listed = await listCoupons({ ctx: a.team, input: { memberId } });
    expect(listed.map((c) => c.coupon).sort()).toEqual(["forever", "valid"]);
  });

  it("expires active coupons past their expiry in this practice only, and audits the run", async () => {
    expect(await expireCoupons({ ctx: a.system, input: { at: new Date(now) } })).toEqual({ expired: 1 });
    expect(await statusOf(ids.expired!)).toBe("expired");
    expect(await statusOf(ids.valid!)).toBe("active");
    expect(await statusOf(ids.forever!)).toBe("active");
    expect(await statusOf(ids.usedPast!)).toBe("used");
    expect(await statusOf(ids.otherPractice!)).toBe("active");
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, a.id), eq(auditLog.action, "coupons.expire")));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: "system", details: { expired: 1 } });
    // A second run finds nothing new.
    expect(await expireCoupons({ ctx: a.system, input: { at: new Date(now) } })).toEqual({ expired: 0 });
  });

  it("an expired coupon is refused, shown as expired, and the valid one still works", async () => {
    await expect(useCoupon({ ctx: a.team, input: { couponId: ids.expired! } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This coupon is expired.",
    });
    const all = await listCoupons({ ctx: a.team, input: { memberId, includeInactive: true } });
    expect(all.find((c) => c.id === ids.expired)?.status).toBe("expired");
    await useCoupon({ ctx: a.team, input: { couponId: ids.valid! } });
    expect(await statusOf(ids.valid!)).toBe("used");
  });

  it("expires at `at`: a later run catches coupons that ran out since", async () => {
    const later = await issue(a, memberId, "later", { expiresAt: new Date(now + 2 * hour) });
    expect(await expireCoupons({ ctx: a.system, input: { at: new Date(now + hour) } })).toEqual({ expired: 0 });
    expect(await expireCoupons({ ctx: a.system, input: { at: new Date(now + 2 * hour) } })).toEqual({ expired: 1 });
    expect(await statusOf(later)).toBe("expired");
  });

  it("only the system (the job) may run it", async () => {
    await expect(expireCoupons({ ctx: a.admin })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(expireCoupons({ ctx: a.team })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
