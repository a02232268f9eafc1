import { redirect } from "@sveltejs/kit";
import { staffCookie } from "@tally/api/client";
import { href } from "#lib/paths.js";
import { api } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = () => {
  redirect(303, href("/"));
};

export const actions: Actions = {
  default: async (event) => {
    await api(event)
      .auth.signOut.mutate()
      .catch(() => undefined);
    event.cookies.delete(staffCookie, { path: "/" });
    redirect(303, `${href("/sign-in")}?signedOut=1`);
  },
};
