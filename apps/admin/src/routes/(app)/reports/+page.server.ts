import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";
import { rangeFrom } from "./range.js";

export const load: PageServerLoad = async (event) => {
  const { practice } = await event.parent();
  const range = rangeFrom(event.url, practice.timezone);
  const client = api(event);
  const [report, shortfalls] = await Promise.all([
    client.reports.overview.query({ from: range.start, to: range.end }),
    client.reports.shortfalls.query(),
  ]);
  return { range: { from: range.from, to: range.to }, report, shortfalls };
};
