// Two-step sign-in in the tests: TOTP codes computed with otpauth from the secret the setup page
// shows (as a person's authenticator app would), and the setup itself.
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { submit } from "./harness.ts";

/** The code of `secret` at `at` (RFC 6238: SHA-1, 6 digits, 30 seconds). */
export const totpCode = (secret: string, at = Date.now()) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: at });

/** A code of the next time step: fresh (never used yet) and still accepted (one step either way). */
export const nextTotpCode = (secret: string) => totpCode(secret, Date.now() + 30_000);

/** On the setup page: reads the key, confirms a code, keeps the recovery codes and continues. */
export async function enrolSecondFactor(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
  const secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s/g, "");
  await page.getByLabel("Code from the app").fill(totpCode(secret));
  await submit(page, page.getByRole("button", { name: "Turn on two-step sign-in" }));
  await page.getByRole("heading", { name: "Two-step sign-in is on" }).waitFor();
  const recoveryCodes = await page.getByRole("list", { name: "Recovery codes" }).locator("li").allTextContents();
  await page.getByRole("link", { name: /I saved my codes/ }).click();
  return { secret, recoveryCodes: recoveryCodes.map((c) => c.trim()) };
}

/** The admin's sign-in form with an email and a password (either step that follows is the caller's). */
export async function adminSignIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/admin/sign-in`);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
}

/** After a sign-in with a temporary password: chooses one's own. */
export async function setOwnPassword(page: Page, temporary: string, password: string): Promise<void> {
  await page.getByRole("heading", { name: "Set your own password" }).waitFor();
  await page.getByLabel("Temporary password").fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await submit(page, page.getByRole("button", { name: "Save and continue" }));
}

/** Both steps: the password, then a fresh code of `secret`; waits for the dashboard. */
export async function adminSignInWithCode(page: Page, url: string, email: string, password: string, secret: string): Promise<void> {
  await adminSignIn(page, url, email, password);
  await page.getByRole("heading", { name: "Enter your code" }).waitFor();
  await page.getByLabel("Code").fill(nextTotpCode(secret));
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}
