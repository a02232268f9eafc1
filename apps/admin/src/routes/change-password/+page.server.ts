import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import { safeNext } from "#lib/sign-in.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals }) => ({
  staff: locals.staff!,
});

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const currentPassword = String(form.get("currentPassword") ?? "");
    const newPassword = String(form.get("newPassword") ?? "");
    const confirm = String(form.get("confirmPassword") ?? "");
    const errors: Partial<Record<"currentPassword" | "newPassword" | "confirmPassword", string>> = {};
    if (!currentPassword) errors.currentPassword = "Enter the password you signed in with.";
    if (newPassword.length < 10) errors.newPassword = "Choose a password of at least 10 characters.";
    else if (newPassword === currentPassword) errors.newPassword = "Choose a password different from the temporary one.";
    if (confirm !== newPassword) errors.confirmPassword = "The two new passwords do not match.";
    if (Object.keys(errors).length) return fail(400, { errors, message: null });
    try {
      await api(event).auth.changePassword.mutate({ currentPassword, newPassword });
    } catch (error) {
      if (appCodeOf(error) === "UNAUTHORIZED")
        return fail(400, { errors: { currentPassword: "That is not your current password." } as typeof errors, message: null });
      return fail(400, { errors: {} as typeof errors, message: messageOf(error) });
    }
    const next = safeNext(event.url.searchParams.get("next"), href("/"));
    redirect(303, next ?? `${href("/")}?welcome=1`);
  },
};
