// Kiosk lockouts under concurrency (real PostgreSQL): attempts are counted before the guess is
// evaluated, so a burst of guesses at once gets no more evaluations than the limit, and the right
// answer after the lockout is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../context.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { identifyAtKiosk } from "./kiosk-identify.ts";
import { lockoutRules } from "./policy.ts";

const qrSecret = "test-secret";
const day = (i: number) => `19${String(50 + (i % 40)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}`;

describe("kiosk lockout under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const kiosk = (id: string): Ctx => ({ ...p.kiosk, actor: { kind: "kiosk", id } });
  /** Evaluated: a wrong guess answered "not found", or the one that started the lockout. */
  const evaluated = (rs: Awaited<ReturnType<typeof identifyAtKiosk>>[]) =>
    rs.filter((r) => r.status === "not_found" || (r.status === "see_front_desk" && r.lockedNow)).length;

  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
    p = await makePractice(t);
    await makeMembers(t, p.id, [
      { firstName: "Pat", lastName: "Phone", phone: "2175550199", birthday: "1984-06-30" },
      { firstName: "Cat", lastName: "Card", cardNumber: "555000111222" },
      { firstName: "Sam", lastName: "Shared", phone: "2175550177", birthday: "1990-01-01" },
    ]);
  });
  afterAll(() => t?.dispose());

  it("50 concurrent wrong birth dates on one phone: at most the limit evaluated, then the right date is refused", async () => {
    const guesses = Array.from({ length: 50 }, (_, i) =>
      identifyAtKiosk(kiosk(`phone-device-${i % 10}`), { method: "phone", phone: "217-555-0199", birthday: day(i) }, { qrSecret }),
    );
    const results = await Promise.all(guesses);
    expect(evaluated(results)).toBeLessThanOrEqual(lockoutRules.kiosk_subject.maxFailures);
    expect(results.filter((r) => r.status === "see_front_desk" && r.lockedNow)).toHaveLength(1);
    const right = await identifyAtKiosk(
      kiosk("fresh-device"),
      { method: "phone", phone: "2175550199", birthday: "1984-06-30" },
      { qrSecret },
    );
    expect(right).toEqual({ status: "see_front_desk", reason: "locked" });
  });

  it("50 concurrent unknown cards on one device: at most the device limit evaluated, then a real card is refused there", async () => {
    const device = kiosk("card-device");
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        identifyAtKiosk(device, { method: "card", cardNumber: `9${String(i).padStart(11, "0")}` }, { qrSecret }),
      ),
    );
    expect(evaluated(results)).toBeLessThanOrEqual(lockoutRules.kiosk_device.maxFailures);
    expect(await identifyAtKiosk(device, { method: "card", cardNumber: "555000111222" }, { qrSecret })).toEqual({
      status: "see_front_desk",
      reason: "locked",
    });
    // Another kiosk is not locked by this one.
    expect(await identifyAtKiosk(kiosk("other-device"), { method: "card", cardNumber: "555000111222" }, { qrSecret })).toMatchObject({
      status: "found",
    });
  });

  it("wrong check-in codes count toward the device lockout", async () => {
    const device = kiosk("code-device");
    const results = [];
    for (let i = 0; i < lockoutRules.kiosk_device.maxFailures + 2; i++)
      results.push(
        await identifyAtKiosk(device, { method: "qr", token: `q1.00000000-0000-0000-0000-00000000000${i % 10}.x${i}` }, { qrSecret }),
      );
    expect(evaluated(results)).toBe(lockoutRules.kiosk_device.maxFailures);
    expect(results.at(-1)).toEqual({ status: "see_front_desk", reason: "locked" });
  });

  it("a right answer clears the person's counter", async () => {
    const phone = (birthday: string) => ({ method: "phone" as const, phone: "2175550177", birthday });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < lockoutRules.kiosk_subject.maxFailures - 1; i++)
        expect(await identifyAtKiosk(kiosk(`mixed-${round}-${i}`), phone("2000-01-01"), { qrSecret })).toEqual({ status: "not_found" });
      expect(await identifyAtKiosk(kiosk(`mixed-${round}`), phone("1990-01-01"), { qrSecret })).toMatchObject({ status: "found" });
    }
  });
});
