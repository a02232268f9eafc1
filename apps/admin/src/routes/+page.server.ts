import { redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import type { PageServerLoad } from "./$types";

// The dashboard lives here once staff sessions exist; until then everyone starts at sign-in.
export const load: PageServerLoad = () => {
  redirect(303, resolve("/sign-in"));
};
