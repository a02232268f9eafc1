import { error } from "@sveltejs/kit";
import QRCode from "qrcode";
import { api } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "QR codes");
  const client = api(event);
  const [codes, practice] = await Promise.all([client.engagement.qrCodes.query(), client.practice.get.query()]);
  const qr = codes.find((c) => c.id === event.params.id);
  if (!qr) error(404, "This QR code does not exist. Go back to QR codes and create it.");
  // The printed code opens the portal's scan page, so a phone camera is all a patient needs.
  const url = new URL(qr.path, event.url.origin).toString();
  const svg = await QRCode.toString(url, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
    color: { dark: "#17212b", light: "#ffffff" },
  });
  return { qr: { id: qr.id, code: qr.code, label: qr.label, active: qr.active }, url, svg, practiceName: practice.name };
};
