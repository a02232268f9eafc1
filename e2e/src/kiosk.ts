// The kiosk's on-screen keypad, as a patient or the front desk taps it.
import type { Page } from "playwright-core";

/**
 * Taps digits on the on-screen keypad once the page is hydrated: its fields then take no system
 * keyboard (`inputmode="none"`), so no tap lands before the keypad listens (a busy machine lost
 * the first taps otherwise).
 */
export async function tapDigits(page: Page, digits: string) {
  await page.locator('input[inputmode="none"]').first().waitFor({ state: "attached" });
  const pad = page.getByRole("group", { name: /Number keypad|Teclado numérico/ });
  for (const d of digits.replace(/\D/g, "")) await pad.getByRole("button", { name: d, exact: true }).click();
}
