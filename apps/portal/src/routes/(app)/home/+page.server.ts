import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const home = await client.portal.home.query();
  const welcome = event.url.searchParams.get("welcome") === "1";
  if (home.status !== "member") return { home, welcome, coupons: [], milestones: [], activity: [], catalog: [] };
  const [coupons, milestones, activity, catalog] = await Promise.all([
    client.portalMember.coupons.query({ limit: 20 }),
    client.portalMember.milestones.query(),
    client.portalMember.activity.query({ limit: 8 }),
    client.portal.catalog.query(),
  ]);
  return {
    home,
    welcome,
    coupons: coupons.filter((c) => c.status === "active"),
    milestones,
    activity,
    catalog: catalog.map((r) => ({ id: r.id, name: r.name, pointsPrice: r.pointsPrice })),
  };
};
