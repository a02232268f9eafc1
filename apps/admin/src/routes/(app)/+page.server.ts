import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [summary, series] = await Promise.all([client.reports.dashboard.query(), client.reports.series.query({ days: 30 })]);
  return { summary, series };
};
