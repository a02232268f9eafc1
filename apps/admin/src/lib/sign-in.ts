// Validation of the staff sign-in form, kept apart from the route so it can be unit tested.

export interface SignInValues {
  email: string;
}

export interface SignInResult {
  values: SignInValues;
  /** Field name -> message for the person at the desk; empty when the form is complete. */
  errors: Partial<Record<"email" | "password", string>>;
  password: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseSignIn(form: FormData): SignInResult {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const errors: SignInResult["errors"] = {};

  if (!email) errors.email = "Enter your work email address.";
  else if (!EMAIL.test(email)) errors.email = "Enter an email address like name@practice.com.";
  if (!password) errors.password = "Enter your password.";

  // The password is never echoed back to the page.
  return { values: { email }, errors, password };
}
