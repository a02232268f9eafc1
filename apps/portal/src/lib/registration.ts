// Validation of the registration forms: choosing a password (invitation, reset) and the contact
// form for people who never received a number or code. Kept out of the routes to be tested.
import { type Errors, isValidBirthDate } from "./sign-in.ts";

export const minPasswordLength = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The forms' error texts; the routes pass the page's language (registration-words.ts). */
export const registrationWords = {
  passwordTooShort: (min: number) => `Choose a password of at least ${min} characters.`,
  passwordsDiffer: () => "The two passwords are not the same. Type it again.",
  firstNameMissing: () => "Enter your first name.",
  lastNameMissing: () => "Enter your last name.",
  emailMissing: () => "Enter your email address: the practice answers there.",
  emailInvalid: () => "Enter an email address like name@example.com.",
  phoneInvalid: () => "Enter a phone number with its area code, or leave it empty.",
  birthdayInvalid: () => "Enter a real date of birth, or leave it empty.",
};
export type RegistrationWords = typeof registrationWords;

export function parseNewPassword(form: FormData, words: RegistrationWords = registrationWords) {
  const password = String(form.get("password") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const errors: Errors<"password" | "confirm"> = {};
  if (password.length < minPasswordLength) errors.password = words.passwordTooShort(minPasswordLength);
  else if (confirm !== password) errors.confirm = words.passwordsDiffer();
  return { password, errors };
}

export function parseContactForm(form: FormData, today = new Date(), words: RegistrationWords = registrationWords) {
  const values = {
    firstName: String(form.get("firstName") ?? "").trim(),
    lastName: String(form.get("lastName") ?? "").trim(),
    email: String(form.get("email") ?? "").trim(),
    phone: String(form.get("phone") ?? "").trim(),
    birthday: String(form.get("birthday") ?? "").trim(),
    note: String(form.get("note") ?? "").trim(),
  };
  const { password, errors: passwordErrors } = parseNewPassword(form, words);
  const errors: Errors<"firstName" | "lastName" | "email" | "phone" | "birthday" | "password" | "confirm"> = { ...passwordErrors };
  if (!values.firstName) errors.firstName = words.firstNameMissing();
  if (!values.lastName) errors.lastName = words.lastNameMissing();
  if (!values.email) errors.email = words.emailMissing();
  else if (!EMAIL.test(values.email)) errors.email = words.emailInvalid();
  if (values.phone && values.phone.replace(/\D/g, "").length < 7) errors.phone = words.phoneInvalid();
  if (values.birthday && !isValidBirthDate(values.birthday, today)) errors.birthday = words.birthdayInvalid();
  return { values, password, errors };
}
