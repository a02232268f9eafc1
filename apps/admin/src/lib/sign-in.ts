// Validation of the staff sign-in form, kept apart from the route so it can be unit tested.

/** The cookie that holds a sign-in's challenge between the password and the second factor. */
export const challengeCookie = "tally_staff_challenge";

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

/**
 * Where to go after signing in: `next` when it is a path inside this app (`root`, e.g. "/admin"),
 * else null. Never another site: absolute URLs, protocol-relative `//host`, backslashes (which
 * browsers read as slashes), control characters and paths that climb out of the app are refused;
 * the sign-in and sign-out pages themselves are too (no loop).
 */
export function safeNext(next: string | null | undefined, root: string): string | null {
  if (!next || next.length > 2000 || !next.startsWith("/") || next.startsWith("//")) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f\s]/.test(next)) return null;
  const base = root.replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(next, "http://app.invalid");
  } catch {
    return null;
  }
  if (url.origin !== "http://app.invalid") return null;
  if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return null;
  if (/^\/(sign-in|sign-out)(\/|$)/.test(url.pathname.slice(base.length))) return null;
  return url.pathname + url.search + url.hash;
}
