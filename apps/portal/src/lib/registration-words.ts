// The registration forms' error texts in the page's language (Paraglide's messages follow the
// request being answered); registration.ts keeps the English ones for its tests.
import { m } from "#lib/paraglide/messages.js";
import type { RegistrationWords } from "#lib/registration.js";

export function localRegistrationWords(): RegistrationWords {
  return {
    passwordTooShort: (min) => m.passwordTooShort({ min }),
    passwordsDiffer: () => m.passwordsDiffer(),
    firstNameMissing: () => m.firstNameMissing(),
    lastNameMissing: () => m.lastNameMissing(),
    emailMissing: () => m.emailMissing(),
    emailInvalid: () => m.emailInvalid(),
    phoneInvalid: () => m.phoneInvalid(),
    birthdayInvalid: () => m.birthdayInvalid(),
  };
}
