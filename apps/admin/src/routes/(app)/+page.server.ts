import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const [summary, series] = await Promise.all([client.adminDashboard.summary.query(), client.adminDashboard.series.query({ days: 30 })]);
  return { summary, series };
};
