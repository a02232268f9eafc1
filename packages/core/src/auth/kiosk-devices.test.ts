import { kioskDevices } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { createKioskPairing, pairKiosk, resolveKioskDevice, revokeKioskDevice } from "./kiosk-devices.ts";
import { touchEveryMs } from "./policy.ts";

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
});
