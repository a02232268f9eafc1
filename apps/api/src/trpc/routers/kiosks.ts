// Kiosk devices as the admin sees them: pair a new tablet (one-time code), list, revoke.

import { createKioskPairing, listKioskDevices, QR_READERS, revokeKioskDevice, setKioskQrReader, unlockKioskDevice } from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

export const kiosksRouter = router({
  list: staffProcedure.meta({ action: "kiosks.manage" }).query(({ ctx }) => listKioskDevices(ctx.core)),
  /** Returns an 8-digit code to type on the tablet within 15 minutes. */
  createPairing: staffProcedure
    .meta({ action: "kiosks.manage" })
    .input(z.object({ name: z.string().trim().min(1).max(80) }))
    .mutation(({ ctx, input }) => createKioskPairing(ctx.core, input)),
  revoke: staffProcedure
    .meta({ action: "kiosks.manage" })
    .input(z.object({ deviceId: z.uuid() }))
    .mutation(({ ctx, input }) => revokeKioskDevice(ctx.core, input)),
  /** Whether the kiosk has a camera or scanner for QR codes (without one it offers the typed check-in code). */
  setQrReader: staffProcedure
    .meta({ action: "kiosks.manage" })
    .input(z.object({ deviceId: z.uuid(), qrReader: z.enum(QR_READERS).nullable() }))
    .mutation(({ ctx, input }) => setKioskQrReader(ctx.core, input)),
  /** Lifts a kiosk lockout early (staff checked the person at the desk). */
  unlockDevice: staffProcedure
    .meta({ action: "kiosks.unlockDevice" })
    .input(z.object({ deviceId: z.uuid() }))
    .mutation(({ ctx, input }) => unlockKioskDevice(ctx.core, input)),
});
