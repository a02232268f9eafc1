import { fail } from "@sveltejs/kit";
import { parseSignIn, type SignInResult } from "#lib/sign-in.js";
import type { Actions } from "./$types";

export const actions: Actions = {
  signIn: async ({ request }) => {
    const { values, errors } = parseSignIn(await request.formData());
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, message: null });

    // Staff authentication arrives with the auth issue (it will call the API's auth.signIn here).
    return fail(503, {
      values,
      errors: {} as SignInResult["errors"],
      message: "Sign-in is not available yet. Staff accounts are being set up; please try again after the next update.",
    });
  },
};
