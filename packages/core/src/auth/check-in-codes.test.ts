// The short check-in code: issued to the signed-in patient, typed at the kiosk, used once, valid
// for minutes, stored as an HMAC, and a wrong code is a failed attempt of the kiosk.
import { checkInCodes } from "@tally/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { CHECK_IN_CODE, issueCheckInCode, useCheckInCode } from "./check-in-codes.ts";
import { identifyAtKiosk } from "./kiosk-identify.ts";
import { lockoutRules } from "./policy.ts";

const secret = "test-secret";

describe("check-in codes", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  let ben: string;
  const kiosk = (id: string): Ctx => ({ ...p.kiosk, actor: { kind: "kiosk", id } });

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    [ana, ben] = (
      await makeMembers(t, p.id, [
        { firstName: "Ana", lastName: "Bell" },
        { firstName: "Ben", lastName: "Cole" },
      ])
    ).map((m) => m.id) as [string, string];
  });
  afterAll(() => t?.dispose());

  it("is 8 digits, stored only as a keyed hash, and checks the patient in once", async () => {
    const { code, expiresAt } = await issueCheckInCode(p.asMember(ana), { secret });
    expect(code).toMatch(/^\d{8}$/);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(CHECK_IN_CODE.lifetimeMs);
    const stored = await t.db.select().from(checkInCodes);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(code);
    // Typed with a space, as the portal shows it.
    const spaced = `${code.slice(0, 4)} ${code.slice(4)}`;
    expect(await identifyAtKiosk(kiosk("k1"), { method: "code", code: spaced }, { qrSecret: secret })).toEqual({
      status: "found",
      memberId: ana,
      method: "qr",
    });
    expect(await identifyAtKiosk(kiosk("k1"), { method: "code", code }, { qrSecret: secret })).toEqual({ status: "not_found" });
  });

  it("expires after a few minutes, and a new code replaces the patient's earlier one", async () => {
    const issuedAt = new Date();
    const old = await issueCheckInCode(p.asMember(ben), { secret, now: issuedAt });
    const fresh = await issueCheckInCode(p.asMember(ben), { secret, now: issuedAt });
    expect(await useCheckInCode(t.db, p.id, old.code, { secret })).toBeNull();
    const late = new Date(issuedAt.getTime() + CHECK_IN_CODE.lifetimeMs + 1);
    expect(await useCheckInCode(t.db, p.id, fresh.code, { secret, now: late })).toBeNull();
    expect(await useCheckInCode(t.db, p.id, fresh.code, { secret })).toBe(ben);
  });

  it("works in its own practice only, and only patients get one", async () => {
    const { code } = await issueCheckInCode(p.asMember(ana), { secret });
    const other = await makePractice(t);
    expect(await useCheckInCode(t.db, other.id, code, { secret })).toBeNull();
    expect(await useCheckInCode(t.db, p.id, code, { secret: "another-secret" })).toBeNull();
    await expect(issueCheckInCode(p.admin, { secret })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await useCheckInCode(t.db, p.id, code, { secret })).toBe(ana);
  });

  it("wrong codes count toward the kiosk's lockout; then even a right code is refused there", async () => {
    const device = kiosk("guessing-kiosk");
    const answers = [];
    for (let i = 0; i < lockoutRules.kiosk_device.maxFailures; i++)
      answers.push(await identifyAtKiosk(device, { method: "code", code: String(10_000_000 + i) }, { qrSecret: secret }));
    expect(answers.slice(0, -1).every((a) => a.status === "not_found")).toBe(true);
    expect(answers.at(-1)).toEqual({ status: "see_front_desk", reason: "locked", lockedNow: true });
    const { code } = await issueCheckInCode(p.asMember(ana), { secret });
    expect(await identifyAtKiosk(device, { method: "code", code }, { qrSecret: secret })).toEqual({
      status: "see_front_desk",
      reason: "locked",
    });
    // The refused attempt did not use the code up: another kiosk takes it.
    expect(await identifyAtKiosk(kiosk("k2"), { method: "code", code }, { qrSecret: secret })).toMatchObject({ status: "found" });
  });
});
