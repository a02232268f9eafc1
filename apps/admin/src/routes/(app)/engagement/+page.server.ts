import { api } from "#lib/server/api.js";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const admin = event.locals.staff?.role === "admin";
  const [campaigns, activities, qrCodes] = await Promise.all([
    client.engagement.referralCampaigns.query(),
    client.engagement.activities.query(),
    admin ? client.engagement.qrCodes.query() : Promise.resolve(null),
  ]);
  return {
    admin,
    qr: qrCodes ? { total: qrCodes.length, active: qrCodes.filter((q) => q.active).length } : null,
    campaigns: {
      total: campaigns.length,
      // Running today: active and within its dates (core's campaignRunning), as patients see them.
      running: campaigns.filter((c) => c.running).length,
      seasonal: campaigns.filter((c) => c.kind === "seasonal").length,
    },
    activities: {
      total: activities.length,
      byKind: {
        contest: activities.filter((a) => a.kind === "contest").length,
        survey: activities.filter((a) => a.kind === "survey").length,
        social_post: activities.filter((a) => a.kind === "social_post").length,
      },
    },
  };
};
