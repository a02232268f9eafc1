import { kioskDevices } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { createKioskPairing, pairKiosk, resolveKioskDevice, revokeKioskDevice } from "./kiosk-devices.ts";
import { touchEveryMs } from "./policy.ts";
import { hashToken, tokenPractice } from "./tokens.ts";

describe("kiosk devices", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("a burst of requests from a kiosk writes its last-seen time once, and a revoked kiosk is cut off", async () => {
    const { code, deviceId } = await createKioskPairing(p.admin, { name: "Front desk" });
    const { token } = await pairKiosk(t.db, { code });
    const later = new Date(Date.now() + 2 * touchEveryMs);
    const update = vi.spyOn(t.db, "update");
    try {
      const seen = await Promise.all(Array.from({ length: 20 }, () => resolveKioskDevice(t.db, token, later)));
      expect(seen.every((k) => k?.deviceId === deviceId && k.practiceId === p.id)).toBe(true);
      expect(update.mock.calls.filter(([table]) => table === kioskDevices)).toHaveLength(1);
    } finally {
      update.mockRestore();
    }
    const [row] = await t.db.select({ at: kioskDevices.lastSeenAt }).from(kioskDevices).where(eq(kioskDevices.id, deviceId));
    expect(row!.at?.getTime()).toBe(later.getTime());

    await revokeKioskDevice(p.admin, { deviceId });
    expect(await resolveKioskDevice(t.db, token, later)).toBeNull();
  });

  it("a device token names its practice (lookups routed by it); a token of before is found by its hash", async () => {
    const other = await makePractice(t);
    const { code, deviceId } = await createKioskPairing(p.admin, { name: "Reception" });
    const { token } = await pairKiosk(t.db, { code });
    expect(tokenPractice(token)?.practiceId).toBe(p.id);
    expect(token.startsWith(`k_${p.id}.`)).toBe(true);
    // Another practice's id in front of the same secret finds nothing (the hash covers the whole token).
    expect(await resolveKioskDevice(t.db, token.replace(p.id, other.id))).toBeNull();
    expect((await resolveKioskDevice(t.db, token))?.deviceId).toBe(deviceId);
    // A device paired before tokens named their practice keeps working.
    const legacy = "k_legacy-device-token-of-before";
    await t.db
      .update(kioskDevices)
      .set({ tokenHash: hashToken(legacy) })
      .where(eq(kioskDevices.id, deviceId));
    expect((await resolveKioskDevice(t.db, legacy))?.practiceId).toBe(p.id);
  });

  it("a pairing code is typed before the practice is known: no two live pairings share one", async () => {
    const other = await makePractice(t);
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      codes.add((await createKioskPairing(p.admin, { name: `Desk ${i}` })).code);
      codes.add((await createKioskPairing(other.admin, { name: `Desk ${i}` })).code);
    }
    expect(codes.size).toBe(10);
    // Should two live pairings ever share a code, it pairs neither.
    const a = await createKioskPairing(p.admin, { name: "Twin A" });
    const b = await createKioskPairing(other.admin, { name: "Twin B" });
    await t.db
      .update(kioskDevices)
      .set({ pairingCodeHash: hashToken(a.code) })
      .where(eq(kioskDevices.id, b.deviceId));
    await expect(pairKiosk(t.db, { code: a.code })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
