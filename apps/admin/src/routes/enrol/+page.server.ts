import { fail, redirect } from "@sveltejs/kit";
import QRCode from "qrcode";
import { href } from "#lib/paths.js";
import { api, messageOf } from "#lib/server/api.js";
import { safeNext } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

// Setting up two-step sign-in: right after the password when the practice requires it, or from
// the account page. The QR code carries the otpauth:// URI; the secret is shown for typing too.
export const load: PageServerLoad = async (event) => {
  const staff = event.locals.staff!;
  if (staff.mustChangePassword) redirect(303, href("/change-password"));
  // Where "continue" leads once it is on: the page that was asked for, inside this app.
  const next = safeNext(event.url.searchParams.get("next"), href("/")) ?? href("/");
  const client = api(event);
  const status = await client.security.status.query();
  if (status.enabled) return { staff, status, next, setup: null };
  const { secret, uri } = await client.security.startEnrolment.mutate();
  const qr = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { staff, status, next, setup: { secret: secret.replace(/(.{4})/g, "$1 ").trim(), uri, qr } };
};

export const actions: Actions = {
  default: async (event) => {
    const code = String((await event.request.formData()).get("code") ?? "").replace(/\s/g, "");
    if (!/^\d{6}$/.test(code)) return fail(400, { error: "Enter the 6 digits your app shows now." });
    try {
      const { recoveryCodes } = await api(event).security.confirmEnrolment.mutate({ code });
      return { recoveryCodes };
    } catch (error) {
      return fail(400, { error: messageOf(error) });
    }
  },
};
