// Validation of the change-password form (signed in, current password required), kept out of
// the route so it can be unit tested. The API enforces the same minimum length.

import type { Errors } from "./sign-in.js";

export const minPasswordLength = 10;

/** `hasPassword: false`: a patient who signs in with their card sets a first password (no current one). */
export function parseChangePassword(form: FormData, options: { hasPassword?: boolean } = {}) {
  const requireCurrent = options.hasPassword ?? true;
  const currentPassword = requireCurrent ? String(form.get("currentPassword") ?? "") : "";
  const newPassword = String(form.get("newPassword") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const errors: Errors<"currentPassword" | "newPassword" | "confirm"> = {};
  if (requireCurrent && !currentPassword) errors.currentPassword = "Enter the password you use now.";
  if (!newPassword) errors.newPassword = `Choose a new password of at least ${minPasswordLength} characters.`;
  else if (newPassword.length < minPasswordLength)
    errors.newPassword = `Choose a password of at least ${minPasswordLength} characters (yours has ${newPassword.length}).`;
  else if (newPassword.length > 200) errors.newPassword = "Choose a password of at most 200 characters.";
  else if (currentPassword && newPassword === currentPassword)
    errors.newPassword = "The new password is the same as the current one. Choose a different one.";
  if (!errors.newPassword) {
    if (!confirm) errors.confirm = "Type the new password again.";
    else if (confirm !== newPassword) errors.confirm = "The two new passwords are different. Type the same one twice.";
  }
  return { errors, currentPassword: requireCurrent ? currentPassword : undefined, newPassword };
}
