// The kiosk's on-screen keypad and pairing screen, as a patient or the front desk taps them.
import type { Page } from "playwright-core";
import { submit } from "./harness.ts";

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

/** Pairs the tablet open in `page` through the pairing screen, in English or Spanish, and waits for its check-in screen. */
export async function pairThroughScreen(page: Page, code: string) {
  await page.goto("/kiosk/pair");
  await tapDigits(page, code);
  await submit(page, page.getByRole("button", { name: /Pair this kiosk|Vincular este quiosco/ }));
  await page.getByRole("heading", { level: 1, name: /Check in|Registrar llegada/ }).waitFor();
}
