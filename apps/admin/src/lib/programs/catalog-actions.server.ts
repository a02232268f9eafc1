// Form actions shared by the rewards and coupons lists: the enabled switch and delete.
import { fail, type RequestEvent } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";

export async function toggleReward(event: RequestEvent) {
  const form = await event.request.formData();
  const id = String(form.get("id") ?? "");
  const enabled = form.get("enabled") === "yes";
  try {
    const r = await api(event).catalog.updateReward.mutate({ id, enabled });
    return { ok: true, message: `“${r.name}” is ${enabled ? "enabled: patients can redeem it" : "disabled: patients no longer see it"}.` };
  } catch (e) {
    return fail(400, { ok: false, message: messageOf(e) });
  }
}

export async function deleteReward(event: RequestEvent) {
  const form = await event.request.formData();
  const id = String(form.get("id") ?? "");
  const name = String(form.get("name") ?? "The reward");
  try {
    await api(event).catalog.deleteReward.mutate({ id });
    return { ok: true, message: `“${name}” is deleted. Past orders keep their history.` };
  } catch (e) {
    return fail(400, { ok: false, message: messageOf(e) });
  }
}
