import { fail } from "@sveltejs/kit";
import { parseCardSignIn, parseEmailSignIn } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

// Placeholder until programs come from the API: each practice writes its own description.
const PROGRAM_DESCRIPTION =
  "Earn points for on-time visits, great brushing and referring friends, then trade them for gift cards and prizes. Your practice will describe its rewards program here.";

const NOT_YET = "Member sign-in is not available yet. Please check back soon, or ask at the front desk for your balance.";

export const load: PageServerLoad = () => ({ programDescription: PROGRAM_DESCRIPTION });

// Both actions validate now; the auth issue will call the API to actually sign the member in.
export const actions: Actions = {
  email: async ({ request }) => {
    const { values, errors } = parseEmailSignIn(await request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { method: "email" as const, values, errors });
    return fail(503, { method: "email" as const, values, errors, message: NOT_YET });
  },
  card: async ({ request }) => {
    const { values, errors } = parseCardSignIn(await request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { method: "card" as const, values, errors });
    return fail(503, { method: "card" as const, values, errors, message: NOT_YET });
  },
};
