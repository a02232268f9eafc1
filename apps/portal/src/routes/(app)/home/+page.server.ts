import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const home = await client.members.home.query();
  const welcome = event.url.searchParams.get("welcome") === "1";
  if (home.status !== "member") return { home, welcome, coupons: [], milestones: [], activity: [], catalog: [], standing: null };
  const [coupons, milestones, activity, catalog, standing] = await Promise.all([
    client.members.myCoupons.query({ limit: 20 }),
    client.members.myMilestones.query(),
    client.members.myActivity.query({ limit: 8 }),
    client.catalog.offered.query(),
    // Tier as of now, the next points to expire, points not yet available (null unless the program is on).
    client.members.myStanding.query(),
  ]);
  return {
    home,
    welcome,
    coupons: coupons.filter((c) => c.status === "active"),
    milestones,
    standing,
    activity,
    catalog: catalog.map((r) => ({ id: r.id, name: r.name, pointsPrice: r.pointsPrice })),
  };
};
