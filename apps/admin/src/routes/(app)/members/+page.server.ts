import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { url } = event;
  const q = url.searchParams.get("q")?.trim() ?? "";
  const tag = url.searchParams.get("tag")?.trim() || undefined;
  const reg = url.searchParams.get("registered");
  const page = Math.max(1, Number(url.searchParams.get("page")) || 1);
  const registered = reg === "yes" ? true : reg === "no" ? false : undefined;
  const result = await api(event).members.search.query({ q, tag, registered, page, pageSize: 25 });
  return { result, filters: { q, tag: tag ?? "", registered: reg ?? "" } };
};
