// A QR code printed in the office opens this page. Opening it is the scan: the API sends
// `qr.scanned` once per member, so reloading (or scanning again) awards nothing more and says so.
// Signed-out visitors are sent to sign in by hooks.server.ts and come back here (?next=).
import { TRPCClientError } from "@trpc/client";
import type { ScanOutcome } from "#lib/scan.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

function codeOf(error: unknown): string | undefined {
  return appCodeOf(error) ?? (error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : undefined);
}

export const load: PageServerLoad = async (event) => {
  const token = event.params.token;
  let outcome: ScanOutcome;
  if (event.locals.member?.status === "lead") outcome = { kind: "lead" };
  else if (token.length < 8 || token.length > 300) outcome = { kind: "unknown" };
  else {
    try {
      const r = await api(event).engagement.scanQrCode.mutate({ token });
      outcome = r.firstScan ? { kind: "collected", points: r.points, code: r.code } : { kind: "already", code: r.code };
    } catch (error) {
      const code = codeOf(error);
      if (code === "NOT_FOUND" || code === "BAD_REQUEST") outcome = { kind: "unknown" };
      else if (code === "FORBIDDEN") outcome = { kind: "lead" };
      else
        outcome = {
          kind: "error",
          message: messageOf(error, "Something went wrong on our side. Reload this page in a moment to try again."),
        };
    }
  }
  return { outcome };
};
