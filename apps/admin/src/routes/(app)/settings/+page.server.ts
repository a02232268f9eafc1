import { error, fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

const tabs = ["staff", "audit", "kiosks", "keys", "mailbox"] as const;

export const load: PageServerLoad = async (event) => {
  if (event.locals.staff?.role !== "admin") error(403, "Settings are for admins. Ask an admin of your practice.");
  const tab = tabs.find((t) => t === event.url.searchParams.get("tab")) ?? "staff";
  const client = api(event);
  const action = event.url.searchParams.get("action")?.trim() || undefined;
  const from = event.url.searchParams.get("from") || undefined;
  return {
    tab,
    filters: { action: action ?? "", from: from ?? "" },
    staff: tab === "staff" ? await client.staff.list.query() : [],
    audit:
      tab === "audit" ? await client.audit.list.query({ action, from: from ? new Date(`${from}T00:00:00Z`) : undefined, limit: 200 }) : [],
    kiosks: tab === "kiosks" ? await client.kiosks.list.query() : [],
    keys: tab === "keys" ? await client.apiKeys.list.query() : [],
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
  revokeKiosk: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).kiosks.revoke.mutate({ deviceId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "The kiosk is unpaired; it shows the pairing screen again." };
  },
  createKey: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    if (!name) return fail(400, { error: "Name the key after the system that uses it." });
    const r = await run(() => api(event).apiKeys.create.mutate({ name }));
    if (r.error) return fail(400, { error: r.error });
    return { key: { name, key: r.ok!.key } };
  },
  revokeKey: async (event) => {
    const form = await event.request.formData();
    const r = await run(() => api(event).apiKeys.revoke.mutate({ keyId: String(form.get("id")) }));
    if (r.error) return fail(400, { error: r.error });
    return { done: "The key is revoked; requests with it are refused from now on." };
  },
};
