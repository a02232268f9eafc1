import { redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { api, clearMemberSession } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = () => redirect(303, href("/"));

export const actions: Actions = {
  default: async (event) => {
    try {
      await api(event).auth.member.signOut.mutate();
    } catch {
      // Signing out must always work for the person: the cookie goes either way.
    }
    clearMemberSession(event.cookies);
    redirect(303, `${href("/")}?signed-out=1`);
  },
};
