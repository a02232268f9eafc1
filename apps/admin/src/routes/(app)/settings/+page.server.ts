import { fail } from "@sveltejs/kit";
import { timezones } from "#lib/practice-form.js";
import { formatPointCost, parsePointCost } from "#lib/programs/format.js";
import { api, messageOf } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

const tabs = ["practice", "staff", "audit", "kiosks", "keys", "webhooks", "mailbox"] as const;
const maxLogoBytes = 5 * 1024 * 1024;

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Settings");
  const tab = tabs.find((t) => t === event.url.searchParams.get("tab")) ?? "staff";
  const client = api(event);
  const action = event.url.searchParams.get("action")?.trim() || undefined;
  const from = event.url.searchParams.get("from") || undefined;
  return {
    tab,
    timezones,
    welcome: event.url.searchParams.has("welcome"),
    settings: tab === "practice" ? await client.practice.get.query() : null,
    filters: { action: action ?? "", from: from ?? "" },
    // Not `staff`: page data would hide the layout's signed-in person (page.data.staff).
    staffUsers: tab === "staff" ? await client.staff.list.query() : [],
    /** Who must use two-step sign-in ('off' only in the demo practices). */
    mfaRule: tab === "staff" ? (await client.security.rule.query()).mfaRequired : null,
    audit:
      tab === "audit" ? await client.audit.list.query({ action, from: from ? new Date(`${from}T00:00:00Z`) : undefined, limit: 200 }) : [],
    auditActions: tab === "audit" ? await client.audit.actions.query() : [],
    kiosks: tab === "kiosks" ? await client.kiosks.list.query() : [],
    keys: tab === "keys" ? await client.apiKeys.list.query() : [],
    keyScopes: tab === "keys" ? await client.apiKeys.scopes.query() : null,
    webhooks:
      tab === "webhooks"
        ? {
            endpoints: await client.webhooks.list.query(),
            deliveries: await client.webhooks.deliveries.query({ limit: 50 }),
            eventTypes: await client.webhooks.eventTypes.query(),
          }
        : null,
    mailbox: tab === "mailbox" ? await client.mailbox.list.query({ limit: 50 }) : null,
  };
};

const run = async <T>(fn: () => Promise<T>) => {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { error: messageOf(e) };
  }
};

export const actions: Actions = {
  setMfaRule: async (event) => {
    const value = String((await event.request.formData()).get("mfaRequired") ?? "");
    if (value !== "admins" && value !== "everyone") return fail(400, { error: "Choose who must use two-step sign-in." });
    const r = await run(() => api(event).security.setRule.mutate({ mfaRequired: value }));
    if (r.error) return fail(400, { error: r.error });
    return {
      done:
        value === "everyone"
          ? "Saved: everyone now needs two-step sign-in. Anyone without it sets it up at their next page."
          : "Saved: admins need two-step sign-in; for team members it is their choice.",
    };
  },
  resetSecondFactor: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).security.resetStaff.mutate({ staffUserId: String(form.get("id") ?? "") }));
    if (r.error) return fail(400, { error: r.error });
    return {
      done: `${String(form.get("name") ?? "Their")} two-step sign-in is reset and they are signed out everywhere. They set it up again at their next sign-in where it is required.`,
    };
  },
  savePractice: async (event) => {
    const form = await event.request.formData();
    const text = (key: string) => String(form.get(key) ?? "").trim();
    const values = {
      name: text("name"),
      timezone: text("timezone"),
      address: text("address"),
      phone: text("phone"),
      pointCost: text("pointCost"),
    };
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = "Enter the practice's name as patients know it.";
    if (!timezones.includes(values.timezone) && values.timezone !== "UTC")
      errors.timezone = "Choose the practice's time zone from the list.";
    if (values.address.length > 500) errors.address = "Keep the address under 500 characters.";
    if (values.phone.length > 50) errors.phone = "Keep the phone number under 50 characters.";
    const cost = parsePointCost(values.pointCost);
    if (cost === null) errors.pointCost = "Enter what one point costs in dollars, like 0.10 (up to four decimals).";
    if (Object.keys(errors).length) return fail(400, { practice: { values, errors, message: null as string | null } });
    const r = await run(() =>
      api(event).practice.updateSettings.mutate({
        name: values.name,
        timezone: values.timezone,
        address: values.address,
        phone: values.phone,
        pointCostCentiCents: cost as number,
      }),
    );
    if (r.error) return fail(400, { practice: { values, errors, message: r.error } });
    return {
      done: `Saved. Point cost ${formatPointCost(r.ok!.pointCostCentiCents)}; times now follow ${r.ok!.timezone.replaceAll("_", " ")}.`,
    };
  },
  uploadLogo: async (event) => {
    const form = await event.request.formData();
    const file = form.get("logo");
    if (!(file instanceof File) || file.size === 0) return fail(400, { logoError: "Choose an image file (PNG, JPEG, WebP, GIF or SVG)." });
    if (file.size > maxLogoBytes) return fail(400, { logoError: "The file is larger than 5 MB. Choose a smaller image." });
    const dataBase64 = Buffer.from(await file.arrayBuffer()).toString("base64");
    const r = await run(() => api(event).practice.setLogo.mutate({ dataBase64 }));
    if (r.error) return fail(400, { logoError: r.error });
    return { done: `The logo is saved (${r.ok!.width} × ${r.ok!.height} px) and shows in the admin app, the portal and the kiosk.` };
  },
  removeLogo: async (event) => {
    const r = await run(() => api(event).practice.removeLogo.mutate());
    if (r.error) return fail(400, { error: r.error });
    return { done: "The logo is removed." };
  },
  setDefault: async (event) => {
    const form = await event.request.formData();
    const isDefault = form.get("isDefault") === "true";
    const r = await run(() => api(event).practice.setDefault.mutate({ isDefault }));
    if (r.error) return fail(400, { error: r.error });
    return {
      done: isDefault
        ? "The portal and the kiosk open with this practice when a link does not name one."
        : "This practice is no longer the default.",
    };
  },
  createStaff: async (event) => {
    const form = await event.request.formData();
    const values = {
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      role: String(form.get("role") ?? "team_member"),
    };
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = "Enter their name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = "Enter their work email, like name@practice.com.";
    if (Object.keys(errors).length) return fail(400, { createStaff: { values, errors, message: null as string | null } });
    const r = await run(() => api(event).staff.create.mutate({ ...values, role: values.role === "admin" ? "admin" : "team_member" }));
    if (r.error) return fail(400, { createStaff: { values, errors, message: r.error } });
    return { temporary: { name: values.name, email: values.email, password: r.ok!.temporaryPassword } };
  },
  resetPassword: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).staff.resetPassword.mutate({ staffUserId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { temporary: { name: String(form.get("name")), email: String(form.get("email")), password: r.ok!.temporaryPassword } };
  },
  setDisabled: async (event) => {
    const form = await event.request.formData();
    const disabled = form.get("disabled") === "true";
    const r = await run(() => api(event).staff.setDisabled.mutate({ staffUserId: String(form.get("id")), disabled }));
    if (r.error) return fail(400, { error: r.error });
    return { done: `${form.get("name")} is ${disabled ? "disabled and signed out" : "enabled again"}.` };
  },
  pairKiosk: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    if (!name) return fail(400, { error: "Name the tablet, e.g. “Front desk”." });
    const r = await run(() => api(event).kiosks.createPairing.mutate({ name }));
    if (r.error) return fail(400, { error: r.error });
    return { pairing: { name, code: r.ok!.code, expiresAt: r.ok!.expiresAt } };
  },
  /** How a kiosk reads QR codes: a camera, a scanner, or neither (patients type the check-in code). */
  setQrReader: async (event) => {
    const form = await event.request.formData();
    const raw = String(form.get("qrReader") ?? "");
    const qrReader = raw === "camera" || raw === "scanner" ? raw : null;
    const r = await run(() => api(event).kiosks.setQrReader.mutate({ deviceId: String(form.get("id")), qrReader }));
    if (r.error) return fail(400, { error: r.error });
    return {
      done: qrReader
        ? `${form.get("name")} offers the QR code screen (read by its ${qrReader}). Changes reach the tablet within a minute.`
        : `${form.get("name")} offers the typed check-in code instead of the QR code screen. Changes reach the tablet within a minute.`,
    };
  },
  /** Inducement guardrails (dollar limits, referral rewards) and the retention of invoice line items. */
  saveGuardrails: async (event) => {
    const form = await event.request.formData();
    const errors: Record<string, string> = {};
    const cents = (name: string) => {
      const raw = String(form.get(name) ?? "")
        .trim()
        .replace(/^\$/, "");
      if (raw === "") return null;
      if (!/^\d{1,7}(\.\d{1,2})?$/.test(raw)) {
        errors[name] = "Enter an amount in dollars, like 15 or 75.00, or leave it empty for no limit.";
        return null;
      }
      return Math.round(Number(raw) * 100);
    };
    const rewardValueLimitCents = cents("rewardValueLimit");
    const yearlyRedemptionLimitCents = cents("yearlyRedemptionLimit");
    const yearsRaw = String(form.get("lineItemRetentionYears") ?? "").trim();
    const lineItemRetentionYears = yearsRaw === "" ? null : Number(yearsRaw);
    if (
      lineItemRetentionYears !== null &&
      !(Number.isInteger(lineItemRetentionYears) && lineItemRetentionYears >= 1 && lineItemRetentionYears <= 100)
    )
      errors.lineItemRetentionYears = "Enter a whole number of years from 1 to 100, or leave it empty to keep line items.";
    if (Object.keys(errors).length > 0) return fail(400, { guardrails: errors });
    const r = await run(() =>
      api(event).practice.updateSettings.mutate({
        rewardValueLimitCents,
        yearlyRedemptionLimitCents,
        referralRewards: form.get("referralRewards") === "on",
        lineItemRetentionYears,
      }),
    );
    if (r.error) return fail(400, { error: r.error });
    return { done: "Guardrails saved." };
  },
  /** The language patients see first: the kiosk's start screen returns to it after each patient. */
  setLanguage: async (event) => {
    const form = await event.request.formData();
    const language = form.get("language") === "es" ? ("es" as const) : ("en" as const);
    const r = await run(() => api(event).practice.updateSettings.mutate({ language }));
    if (r.error) return fail(400, { error: r.error });
    return { done: `The kiosk's start screen is in ${language === "es" ? "Spanish" : "English"} for every new patient.` };
  },
  revokeKiosk: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).kiosks.revoke.mutate({ deviceId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "The kiosk is unpaired; it shows the pairing screen again." };
  },
  createKey: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    const scopes = form.getAll("scopes").map(String);
    const rate = String(form.get("rate") ?? "").trim();
    const values = { name, scopes, rate };
    const errors: Record<string, string> = {};
    if (!name) errors.name = "Name the key after the system that uses it.";
    if (scopes.length === 0) errors.scopes = "Choose at least one thing the key may do.";
    const perMinute = Number(rate);
    if (!/^\d+$/.test(rate) || perMinute < 1 || perMinute > 100_000)
      errors.rate = "Enter a whole number of requests a minute, 1 to 100,000.";
    if (Object.keys(errors).length) return fail(400, { keyForm: { values, errors } });
    const r = await run(() => api(event).apiKeys.create.mutate({ name, scopes: scopes as never, rateLimitPerMinute: perMinute }));
    if (r.error) return fail(400, { keyForm: { values, errors: { name: r.error } } });
    return { key: { name, key: r.ok!.key, previousUntil: null } };
  },
  rotateKey: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).apiKeys.rotate.mutate({ keyId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { key: { name: r.ok!.name, key: r.ok!.key, previousUntil: r.ok!.previousKeyExpiresAt } };
  },
  addWebhook: async (event) => {
    const form = await event.request.formData();
    const values = {
      url: String(form.get("url") ?? "").trim(),
      description: String(form.get("description") ?? "").trim(),
      eventTypes: form.getAll("eventTypes").map(String),
      lineItems: form.get("lineItems") === "yes",
    };
    if (!/^https?:\/\/\S+$/i.test(values.url))
      return fail(400, { webhookForm: { values, errors: { url: "Enter the full address, starting with https://" } } });
    const r = await run(() => api(event).webhooks.create.mutate({ ...values, eventTypes: values.eventTypes as never }));
    if (r.error) return fail(400, { webhookForm: { values, errors: { url: r.error } } });
    return { webhookSecret: { url: values.url, secret: r.ok!.secret, previousUntil: null } };
  },
  toggleWebhook: async (event) => {
    const form = await event.request.formData();
    const enabled = form.get("enabled") === "yes";
    const r = await run(() => api(event).webhooks.update.mutate({ endpointId: String(form.get("id")), enabled }));
    if (r.error) return fail(400, { error: r.error });
    return {
      done: enabled
        ? "The webhook is on; waiting messages are sent within a minute."
        : "The webhook is off; nothing is sent until it is on again.",
    };
  },
  rotateWebhookSecret: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).webhooks.rotateSecret.mutate({ endpointId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { webhookSecret: { url: "", secret: r.ok!.secret, previousUntil: r.ok!.previousSecretExpiresAt } };
  },
  removeWebhook: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).webhooks.remove.mutate({ endpointId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "The webhook is removed; nothing more is sent there." };
  },
  redeliverWebhook: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).webhooks.redeliver.mutate({ deliveryId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "It is sent again within a minute." };
  },
  revokeKey: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).apiKeys.revoke.mutate({ keyId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "The key is revoked; requests with it are refused from now on." };
  },
};
