// Background jobs of the practice that failed for good (pg-boss's dead letters: imports, birthdays,
// digests, coupon expiry), with their last error and time: shown to admins on the Imports page.
import { error, json } from "@sveltejs/kit";
import { api } from "#lib/server/api.js";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async (event) => {
  if (!event.locals.staff) error(401, "Sign in to see failed jobs.");
  if (event.locals.staff.role !== "admin") error(403, "Only an admin can see failed jobs.");
  const jobs = await api(event).imports.failedJobs.query({ limit: 50 });
  return json(jobs, { headers: { "cache-control": "no-store" } });
};
