// Validation of the change-password form (signed in, current password required), kept out of
// the route so it can be unit tested. The API enforces the same minimum length.

import type { Errors } from "./sign-in.js";

export const minPasswordLength = 10;

/** The form's error texts; the route passes the page's language (Paraglide's messages). */
export const changePasswordWords = {
  currentMissing: () => "Enter the password you use now.",
  newMissing: (min: number) => `Choose a new password of at least ${min} characters.`,
  newTooShort: (min: number, length: number) => `Choose a password of at least ${min} characters (yours has ${length}).`,
  newTooLong: () => "Choose a password of at most 200 characters.",
  newSameAsCurrent: () => "The new password is the same as the current one. Choose a different one.",
  confirmMissing: () => "Type the new password again.",
  confirmDiffers: () => "The two new passwords are different. Type the same one twice.",
};
export type ChangePasswordWords = typeof changePasswordWords;

/** `hasPassword: false`: a patient who signs in with their card sets a first password (no current one). */
export function parseChangePassword(form: FormData, options: { hasPassword?: boolean; words?: ChangePasswordWords } = {}) {
  const words = options.words ?? changePasswordWords;
  const requireCurrent = options.hasPassword ?? true;
  const currentPassword = requireCurrent ? String(form.get("currentPassword") ?? "") : "";
  const newPassword = String(form.get("newPassword") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const errors: Errors<"currentPassword" | "newPassword" | "confirm"> = {};
  if (requireCurrent && !currentPassword) errors.currentPassword = words.currentMissing();
  if (!newPassword) errors.newPassword = words.newMissing(minPasswordLength);
  else if (newPassword.length < minPasswordLength) errors.newPassword = words.newTooShort(minPasswordLength, newPassword.length);
  else if (newPassword.length > 200) errors.newPassword = words.newTooLong();
  else if (currentPassword && newPassword === currentPassword) errors.newPassword = words.newSameAsCurrent();
  if (!errors.newPassword) {
    if (!confirm) errors.confirm = words.confirmMissing();
    else if (confirm !== newPassword) errors.confirm = words.confirmDiffers();
  }
  return { errors, currentPassword: requireCurrent ? currentPassword : undefined, newPassword };
}
