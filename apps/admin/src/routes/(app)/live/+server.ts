// The dashboard's live feed: relays the API's staff prompt subscription (tRPC over SSE) to the
// browser, with the staff session cookie, so the browser only ever talks to the admin app.
import { error } from "@sveltejs/kit";
import { apiFetch } from "@tally/api/client";
import { TALLY_API_URL } from "$app/env/private";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async ({ request, locals }) => {
  if (!locals.staff) error(401, "Sign in to see the live feed.");
  const upstream = await apiFetch(TALLY_API_URL)(`${TALLY_API_URL.replace(/\/$/, "")}/trpc/live.staffPrompts`, {
    headers: { cookie: request.headers.get("cookie") ?? "", accept: "text/event-stream" },
    signal: request.signal,
  });
  if (!upstream.ok || !upstream.body) error(502, "The live feed is not available right now.");
  return new Response(upstream.body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" },
  });
};
