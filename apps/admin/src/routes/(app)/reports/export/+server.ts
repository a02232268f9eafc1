import { error } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import { rangeFrom } from "../range.js";
import type { RequestHandler } from "./$types";

const reports = ["daily", "rules", "rewards", "summary"] as const;

export const GET: RequestHandler = async (event) => {
  const staff = event.locals.staff;
  if (!staff) error(401, "Sign in to export reports.");
  const report = reports.find((r) => r === event.url.searchParams.get("report")) ?? "daily";
  const range = rangeFrom(event.url, staff.timezone);
  try {
    const out = await api(event).reports.csv.query({ report, from: range.start, to: range.end });
    return new Response(out.csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${report}-${range.from}-to-${range.to}.csv"`,
      },
    });
  } catch (e) {
    error(400, messageOf(e));
  }
};
