// A patient scanning a QR code printed in the office (portal page /portal/scan/<token>): points
// once per member through the `qr.scanned` event; a second scan awards nothing and says so.

import { getPractice } from "@tally/core";
import { z } from "zod";
import { scanQr } from "../../../../../packages/core/src/engagement/qr-codes.ts";
import { memberProcedure, router } from "../init.ts";

export const portalScanRouter = router({
  scan: memberProcedure.input(z.object({ token: z.string().trim().min(8).max(300) })).mutation(async ({ ctx, input }) => {
    const memberId = ctx.member.actor.id;
    const result = await scanQr({ ctx: ctx.core, input: { memberId, token: input.token } });
    const practice = await getPractice({ ctx: ctx.core });
    const points = result.awards.filter((a) => a.member === memberId).reduce((sum, a) => sum + a.points, 0);
    // In test mode patients see no points (SPEC: program status), so the number stays hidden too.
    return {
      code: result.code,
      firstScan: result.firstScan,
      points: practice.status === "test" ? null : points,
      programStatus: practice.status,
    };
  }),
});
