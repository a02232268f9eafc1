import { error } from "@sveltejs/kit";
import { api } from "#lib/server/api.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { PageServerLoad } from "./$types";

// The access audit of one member (every staff read of their records) or of one staff user (every
// member record they read), newest first, with a CSV download for the practice's records.
export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Access logs");
  const memberId = event.url.searchParams.get("member") || undefined;
  const staffUserId = event.url.searchParams.get("staff") || undefined;
  if (!memberId && !staffUserId) error(404, "Open the access log from a member's profile or from Settings → Staff users.");
  const rows = await api(event)
    .security.accessLog.query({ memberId, staffUserId, limit: 500 })
    .catch(() => error(404, "No such member or staff user in your practice."));
  const of = memberId ? (rows[0]?.memberName ?? null) : (rows[0]?.staffName ?? null);
  return { memberId: memberId ?? null, staffUserId: staffUserId ?? null, rows, of };
};
