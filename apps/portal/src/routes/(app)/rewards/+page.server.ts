import { randomUUID } from "node:crypto";
import { fail } from "@sveltejs/kit";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const home = await client.members.home.query();
  if (home.status !== "member") return { home, rewards: [], orders: [], coupons: [], confirm: null, confirmKey: "" };
  const [rewards, orders, coupons] = await Promise.all([
    client.catalog.offered.query(),
    client.members.myOrders.query({ limit: 20 }),
    client.members.myCoupons.query({ limit: 20 }),
  ]);
  // Without JavaScript, "Redeem" links to ?confirm=<id>, which shows the question on the page.
  const confirmId = event.url.searchParams.get("confirm");
  const confirm = (home.canRedeem && rewards.find((r) => r.id === confirmId)) || null;
  return {
    home,
    rewards: rewards.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      description: r.description,
      imageUrl: r.imageUrl,
      pointsPrice: r.pointsPrice,
      valueCents: r.valueCents,
    })),
    orders,
    coupons,
    confirm: confirm ? { id: confirm.id, name: confirm.name, pointsPrice: confirm.pointsPrice } : null,
    confirmKey: randomUUID(),
  };
};

function redeemMessage(error: unknown) {
  switch (appCodeOf(error)) {
    case "TEST_MODE":
      return "Redeeming is not open yet: the rewards program is still getting ready. Your points are kept.";
    case "PROGRAM_OFF":
      return "The rewards program is paused, so rewards cannot be redeemed right now.";
    case "INSUFFICIENT_POINTS":
      return "You do not have enough points for this reward yet. Your balance did not change.";
    case "NOT_FOUND":
    case "CONFLICT":
      return "This reward is no longer available. Pick another one below.";
    default:
      return messageOf(error);
  }
}

export const actions: Actions = {
  redeem: async (event) => {
    const form = await event.request.formData();
    const rewardId = String(form.get("rewardId") ?? "");
    const idempotencyKey = String(form.get("key") ?? "") || undefined;
    if (!/^[0-9a-f-]{36}$/i.test(rewardId)) return fail(400, { message: "Pick a reward to redeem.", redeemed: null });
    try {
      const result = await api(event).redemption.redeemMine.mutate({ rewardId, idempotencyKey });
      return {
        message: null,
        redeemed: {
          rewardName: result.rewardName,
          kind: result.kind,
          points: result.points,
          balance: result.balance,
          status: result.status,
        },
      };
    } catch (error) {
      return fail(400, { message: redeemMessage(error), redeemed: null });
    }
  },
};
