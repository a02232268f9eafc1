import { api } from "#lib/server/api.js";
import type { LayoutServerLoad } from "./$types";

// hooks.server.ts has already sent anyone without a session to sign-in.
export const load: LayoutServerLoad = async (event) => {
  const staff = event.locals.staff!;
  const client = api(event);
  const practice = await client.practice.get.query().catch(() => null);
  return {
    staff,
    practice: practice
      ? { name: practice.name, timezone: practice.timezone, status: practice.status as string, logoUrl: practice.logoUrl }
      : { name: "Your practice", timezone: staff.timezone, status: "on", logoUrl: null as string | null },
  };
};
