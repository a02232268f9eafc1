// A running backtest, polled by the Rules page: GET its progress (and its answer once done),
// DELETE to cancel it.
import { error, json } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { RequestHandler } from "./$types";

const noStore = { "cache-control": "no-store" };

export const GET: RequestHandler = async (event) => {
  if (!event.locals.staff) error(401, "Sign in to see the backtest.");
  try {
    return json(await api(event).rules.backtestProgress.query({ id: event.params.id }), { headers: noStore });
  } catch (e) {
    error(404, messageOf(e));
  }
};

export const DELETE: RequestHandler = async (event) => {
  if (!event.locals.staff) error(401, "Sign in to cancel the backtest.");
  try {
    return json(await api(event).rules.backtestCancel.mutate({ id: event.params.id }), { headers: noStore });
  } catch (e) {
    error(404, messageOf(e));
  }
};
