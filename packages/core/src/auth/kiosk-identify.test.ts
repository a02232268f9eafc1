// Kiosk identification by card: a number of the issued length with a wrong check digit is refused
// before any lookup and counts against the device; older cards of other lengths keep working; the
// batch path normalises cards exactly like the single path.
import { authLockouts } from "@tally/db";
import { luhnCheckDigit } from "@tally/rules";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.ts";
import { newCardNumber } from "../members/card-number.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { identifyMany } from "./identify-many.ts";
import { identifyAtKiosk } from "./kiosk-identify.ts";
import { lockoutRules } from "./policy.ts";

const qrSecret = "test-secret";
/** The card with its check digit changed (the same length, failing the Luhn check). */
const wrongCheck = (card: string) => card.slice(0, -1) + ((luhnCheckDigit(card.slice(0, -1)) + 1) % 10);

describe("kiosk identification by card", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let card: string;
  let anaId: string;
  const kiosk = (id: string): Ctx => ({ ...p.kiosk, actor: { kind: "kiosk", id } });
  /** A kiosk whose database refuses every read: identification must not look anything up. */
  const noLookups = (id: string): Ctx => {
    const base = kiosk(id);
    const db = new Proxy(base.db, {
      get(target, prop, receiver) {
        if (prop === "select" || prop === "execute") throw new Error(`looked up with ${String(prop)}`);
        return Reflect.get(target, prop, receiver);
      },
    });
    return { ...base, db };
  };
  const deviceFailures = async (id: string) =>
    (
      await t.db
        .select({ failures: authLockouts.failures, lockedUntil: authLockouts.lockedUntil })
        .from(authLockouts)
        .where(and(eq(authLockouts.scope, "kiosk_device"), eq(authLockouts.subject, id)))
    )[0];

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    card = newCardNumber();
    const [ana] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Bell", cardNumber: card },
      { firstName: "Old", lastName: "Card", cardNumber: "40000007" },
    ]);
    anaId = ana!.id;
  });
  afterAll(() => t?.dispose());

  it("finds an issued card, typed with spaces or swiped", async () => {
    const spaced = `${card.slice(0, 4)} ${card.slice(4, 8)} ${card.slice(8)}`;
    expect(await identifyAtKiosk(kiosk("k-found"), { method: "card", cardNumber: spaced }, { qrSecret })).toEqual({
      status: "found",
      memberId: anaId,
      method: "card",
    });
    expect(await identifyAtKiosk(kiosk("k-found"), { method: "card", cardNumber: `%B${card}^BELL/ANA^?` }, { qrSecret })).toMatchObject({
      status: "found",
    });
  });

  it("refuses a wrong check digit without a lookup and without a per-card counter, counting it against the device", async () => {
    const bad = wrongCheck(card);
    expect(await identifyAtKiosk(noLookups("k-bad"), { method: "card", cardNumber: bad }, { qrSecret })).toEqual({ status: "not_found" });
    expect(await deviceFailures("k-bad")).toMatchObject({ failures: 1 });
    const perCard = await t.db.select().from(authLockouts).where(eq(authLockouts.scope, "kiosk_subject"));
    expect(perCard.filter((r) => r.subject.includes(bad))).toEqual([]);
  });

  it("locks the device after the limit of wrong check digits, and alerts once", async () => {
    const device = "k-lock";
    const results = [];
    for (let i = 0; i < lockoutRules.kiosk_device.maxFailures; i++)
      results.push(await identifyAtKiosk(kiosk(device), { method: "card", cardNumber: wrongCheck(newCardNumber()) }, { qrSecret }));
    expect(results.slice(0, -1).every((r) => r.status === "not_found")).toBe(true);
    expect(results.at(-1)).toEqual({ status: "see_front_desk", reason: "locked", lockedNow: true });
    // The right card on the locked device is refused; on another device it works.
    expect(await identifyAtKiosk(kiosk(device), { method: "card", cardNumber: card }, { qrSecret })).toEqual({
      status: "see_front_desk",
      reason: "locked",
    });
    expect(await identifyAtKiosk(kiosk("k-other"), { method: "card", cardNumber: card }, { qrSecret })).toMatchObject({ status: "found" });
  });

  it("keeps older cards of other lengths working (no check digit asked of them)", async () => {
    expect(await identifyAtKiosk(kiosk("k-old"), { method: "card", cardNumber: "4000-0007" }, { qrSecret })).toMatchObject({
      status: "found",
    });
  });

  it("the batch path normalises cards like the single path, and sends a wrong check digit to it", async () => {
    const at = new Date();
    const items = [
      { input: { method: "card" as const, cardNumber: `;${card}=2512?` }, at, qrSecret },
      { input: { method: "card" as const, cardNumber: " 4000 0007 " }, at, qrSecret },
      { input: { method: "card" as const, cardNumber: wrongCheck(card) }, at, qrSecret },
    ];
    const out = await identifyMany(t.db, kiosk("k-batch"), items);
    expect(out[0]).toMatchObject({ status: "found", memberId: anaId });
    expect(out[1]).toMatchObject({ status: "found", firstName: "Old" });
    expect(out[2]).toEqual({ status: "single" });
  });
});
