import { fail } from "@sveltejs/kit";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "QR codes");
  const [codes, practice] = await Promise.all([api(event).engagement.qrCodes.query(), api(event).practice.get.query()]);
  return { codes: codes.map(({ token: _token, ...c }) => c), timezone: practice.timezone };
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const values = { code: String(form.get("code") ?? "").trim(), label: String(form.get("label") ?? "").trim() };
    const errors: Record<string, string> = {};
    if (!values.code) errors.code = "Give the code a short name the rules can test, like FRONT-DESK.";
    else if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/.test(values.code))
      errors.code = "Use letters, digits, dashes and underscores only, like SUMMER-2026.";
    if (Object.keys(errors).length > 0) return fail(400, { action: "create", values, errors, message: null, created: null });
    try {
      const qr = await api(event).engagement.createQrCode.mutate(values);
      return {
        action: "create",
        created: { id: qr.id, code: qr.code },
        message: `QR code ${qr.code} created. Print it and put it where patients will see it.`,
      };
    } catch (e) {
      const message = appCodeOf(e) === "CONFLICT" ? `A QR code named ${values.code} exists already. Choose another name.` : messageOf(e);
      return fail(400, {
        action: "create",
        values,
        errors: appCodeOf(e) === "CONFLICT" ? { code: message } : errors,
        message,
        created: null,
      });
    }
  },
  active: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const active = form.get("active") === "yes";
    try {
      const qr = await api(event).engagement.setQrCodeActive.mutate({ id, active });
      return {
        action: "active",
        created: null,
        message: active ? `${qr.code} is active again.` : `${qr.code} is switched off: scanning it awards nothing.`,
      };
    } catch (e) {
      return fail(400, { action: "active", created: null, message: messageOf(e) });
    }
  },
};
