// The access log as CSV (per member or per staff user), for the practice's compliance records.
import { error } from "@sveltejs/kit";
import { api } from "#lib/server/api.js";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async (event) => {
  if (!event.locals.staff) error(401, "Sign in to download the access log.");
  if (event.locals.staff.role !== "admin") error(403, "Only an admin can download the access log.");
  const memberId = event.url.searchParams.get("member") || undefined;
  const staffUserId = event.url.searchParams.get("staff") || undefined;
  if (!memberId && !staffUserId) error(400, "Name a member or a staff user.");
  const { csv, filename } = await api(event)
    .security.accessLogCsv.query({ memberId, staffUserId })
    .catch(() => error(404, "No such member or staff user in your practice."));
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
};
