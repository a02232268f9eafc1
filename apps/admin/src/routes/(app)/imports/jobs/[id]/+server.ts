// Progress of one import, polled by the Imports page while it runs.
import { error, json } from "@sveltejs/kit";
import { importJob } from "#lib/server/imports.js";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async ({ params, request, locals }) => {
  if (!locals.staff) error(401, "Sign in to see imports.");
  const job = await importJob(request.headers.get("cookie") ?? "", params.id);
  if (!job) error(404, "No such import.");
  return json(job, { headers: { "cache-control": "no-store" } });
};
