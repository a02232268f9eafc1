import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ url }) => {
  const reason = url.searchParams.get("reason") === "ambiguous" ? ("ambiguous" as const) : ("locked" as const);
  return { reason, idle: 15 };
};
