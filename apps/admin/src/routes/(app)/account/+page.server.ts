import { fail } from "@sveltejs/kit";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

// One's own account: two-step sign-in (on or off, new recovery codes, turning it off where the
// practice allows) and signing out everywhere.
export const load: PageServerLoad = async (event) => ({ security: await api(event).security.status.query() });

export const actions: Actions = {
  newRecoveryCodes: async (event) => {
    try {
      const { recoveryCodes } = await api(event).security.regenerateRecoveryCodes.mutate();
      return { recoveryCodes };
    } catch (error) {
      return fail(400, { error: messageOf(error) });
    }
  },
  disable: async (event) => {
    const password = String((await event.request.formData()).get("password") ?? "");
    if (!password) return fail(400, { disableError: "Enter your password to turn two-step sign-in off." });
    try {
      await api(event).security.disable.mutate({ password });
      return { disabled: true };
    } catch (error) {
      return fail(400, { disableError: messageOf(error) });
    }
  },
};
