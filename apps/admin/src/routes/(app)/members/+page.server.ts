import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const { url } = event;
  const q = url.searchParams.get("q")?.trim() ?? "";
  const tag = url.searchParams.get("tag")?.trim().toLowerCase() || undefined; // tags are stored lowercase
  const reg = url.searchParams.get("registered");
  const page = Math.max(1, Number(url.searchParams.get("page")) || 1);
  const registered = reg === "yes" ? true : reg === "no" ? false : undefined;
  const client = api(event);
  const [result, tags] = await Promise.all([
    client.members.search.query({ q, tag, registered, page, pageSize: 25 }),
    client.members.tags.query(),
  ]);
  return { result, tags, filters: { q, tag: tag ?? "", registered: reg ?? "" } };
};
