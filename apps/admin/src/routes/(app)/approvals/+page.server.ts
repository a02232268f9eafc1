import { fail } from "@sveltejs/kit";
import { pointsGiven } from "@tally/rules/domain";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const status = (["pending", "approved", "rejected"] as const).find((s) => s === event.url.searchParams.get("status")) ?? "pending";
  const client = api(event);
  const [requests, manual] = await Promise.all([
    client.approvals.list.query({ status, limit: 200 }),
    client.approvals.manualRewards.query(),
  ]);
  const points = new Map(manual.map((r) => [r.name, r.points]));
  return { status, requests: requests.map((r) => ({ ...r, points: points.get(r.rule) ?? null })) };
};

const decide = (decision: "approve" | "reject") => async (event: Parameters<Actions[string]>[0]) => {
  const form = await event.request.formData();
  const requestId = String(form.get("requestId") ?? "");
  const name = String(form.get("name") ?? "the patient");
  try {
    const result = await api(event).approvals.decide.mutate({ requestId, decision });
    const points = pointsGiven(result);
    return { done: { decision, name, points, status: result.status } };
  } catch (e) {
    return fail(400, { error: messageOf(e), requestId });
  }
};

export const actions: Actions = { approve: decide("approve"), reject: decide("reject") };
