import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";
import { rangeFrom } from "./range.js";

export const load: PageServerLoad = async (event) => {
  const { practice } = await event.parent();
  const range = rangeFrom(event.url, practice.timezone);
  const report = await api(event).reports.overview.query({ from: range.start, to: range.end });
  return { range: { from: range.from, to: range.to }, report };
};
