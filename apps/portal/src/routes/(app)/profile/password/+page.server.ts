// Change your password while signed in: the current one is required. A patient who signs in with
// their card and has no password yet sets a first one (no current one to give). The API keeps this
// session and signs out every other device.
import { fail } from "@sveltejs/kit";
import { parseChangePassword } from "#lib/change-password.js";
import { m } from "#lib/paraglide/messages.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({ hasPassword: (await api(event).members.profile.query()).hasPassword });

export const actions: Actions = {
  default: async (event) => {
    const { hasPassword } = await api(event).members.profile.query();
    const { errors, currentPassword, newPassword } = parseChangePassword(await event.request.formData(), {
      hasPassword,
      words: {
        currentMissing: () => m.currentPasswordMissing(),
        newMissing: (min) => m.newPasswordMissing({ min }),
        newTooShort: (min, length) => m.newPasswordTooShort({ min, length }),
        newTooLong: () => m.newPasswordTooLong(),
        newSameAsCurrent: () => m.newPasswordSameAsCurrent(),
        confirmMissing: () => m.newPasswordConfirmMissing(),
        confirmDiffers: () => m.newPasswordsDiffer(),
      },
    });
    if (Object.keys(errors).length > 0) return fail(400, { errors, message: null });
    try {
      await api(event).auth.member.setPassword.mutate({ currentPassword, newPassword });
    } catch (error) {
      const code = appCodeOf(error);
      if (code === "UNAUTHORIZED")
        return fail(400, {
          errors: {
            currentPassword: m.notCurrentPassword(),
          },
          message: null,
        });
      if (code === "INVALID_INPUT") return fail(400, { errors: { newPassword: messageOf(error) }, message: null });
      return fail(400, { errors: {}, message: messageOf(error) });
    }
    return { changed: true as const };
  },
};
