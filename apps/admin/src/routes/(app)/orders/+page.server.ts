import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const status = (["pending", "fulfilled", "cancelled"] as const).find((s) => s === event.url.searchParams.get("status")) ?? "pending";
  const orders = await api(event).redemption.orders.query({ status, limit: 200 });
  return { status, orders };
};

export const actions: Actions = {
  fulfil: async (event) => {
    const form = await event.request.formData();
    const orderId = String(form.get("orderId") ?? "");
    const note = String(form.get("note") ?? "").trim();
    try {
      await api(event).redemption.fulfilOrder.mutate({ orderId, note: note || undefined });
      return { done: { action: "fulfilled", reward: String(form.get("reward") ?? "The order") } };
    } catch (e) {
      return fail(400, { error: messageOf(e) });
    }
  },
  cancel: async (event) => {
    const form = await event.request.formData();
    const orderId = String(form.get("orderId") ?? "");
    const reason = String(form.get("reason") ?? "").trim() || "Cancelled by staff";
    try {
      await api(event).redemption.cancelOrder.mutate({ orderId, reason });
      return { done: { action: "cancelled", reward: String(form.get("reward") ?? "The order") } };
    } catch (e) {
      return fail(400, { error: messageOf(e) });
    }
  },
};
