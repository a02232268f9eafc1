// Validation of the registration forms: choosing a password (invitation, reset) and the contact
// form for people who never received a number or code. Kept out of the routes to be tested.
import { type Errors, isValidBirthDate } from "./sign-in.ts";

export const minPasswordLength = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseNewPassword(form: FormData) {
  const password = String(form.get("password") ?? "");
  const confirm = String(form.get("confirm") ?? "");
  const errors: Errors<"password" | "confirm"> = {};
  if (password.length < minPasswordLength) errors.password = `Choose a password of at least ${minPasswordLength} characters.`;
  else if (confirm !== password) errors.confirm = "The two passwords are not the same. Type it again.";
  return { password, errors };
}

export function parseContactForm(form: FormData, today = new Date()) {
  const values = {
    firstName: String(form.get("firstName") ?? "").trim(),
    lastName: String(form.get("lastName") ?? "").trim(),
    email: String(form.get("email") ?? "").trim(),
    phone: String(form.get("phone") ?? "").trim(),
    birthday: String(form.get("birthday") ?? "").trim(),
    note: String(form.get("note") ?? "").trim(),
  };
  const { password, errors: passwordErrors } = parseNewPassword(form);
  const errors: Errors<"firstName" | "lastName" | "email" | "phone" | "birthday" | "password" | "confirm"> = { ...passwordErrors };
  if (!values.firstName) errors.firstName = "Enter your first name.";
  if (!values.lastName) errors.lastName = "Enter your last name.";
  if (!values.email) errors.email = "Enter your email address: the practice answers there.";
  else if (!EMAIL.test(values.email)) errors.email = "Enter an email address like name@example.com.";
  if (values.phone && values.phone.replace(/\D/g, "").length < 7)
    errors.phone = "Enter a phone number with its area code, or leave it empty.";
  if (values.birthday && !isValidBirthDate(values.birthday, today)) errors.birthday = "Enter a real date of birth, or leave it empty.";
  return { values, password, errors };
}
