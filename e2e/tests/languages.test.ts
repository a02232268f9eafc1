// Issue 18, languages: a patient switches the portal to Spanish; the choice is stored on the member
// (a new browser in English shows their portal in Spanish after sign-in), home and rewards are in
// Spanish with es-US numbers, money and dates, and the kiosk's welcome after a check-in is in
// Spanish. Screenshots at phone and kiosk sizes are checked for text that overflows (Spanish runs
// about 25% longer). Setup goes through the API as the Bright Smiles admin.
import type { ApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import {
  fitsViewport,
  invitedPatient,
  openPage,
  portalSignIn,
  screenshot,
  staffClient,
  submit,
  useBrowser,
  viewports,
  type WatchedPage,
} from "../src/harness.ts";
import { pairThroughScreen, tapDigits } from "../src/kiosk.ts";

const browser = useBrowser();
const practice = "bright-smiles";
const stamp = Date.now().toString(36);
const spanishMonth = /\b\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\b/;

async function pairedTablet(staff: ApiClient, name: string): Promise<WatchedPage> {
  const pairing = await staff.kiosks.createPairing.mutate({ name });
  const tab = await openPage(browser(), viewports.tablet, { isMobile: true });
  await pairThroughScreen(tab.page, pairing.code);
  return tab;
}

/** Nothing sticks out sideways: no horizontal scrolling, no element wider than its box's overflow allows. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width + 1) out.push(`page scrolls sideways (${document.documentElement.scrollWidth}px)`);
    for (const el of document.querySelectorAll<HTMLElement>("main *, nav *, header *, footer *")) {
      const style = getComputedStyle(el);
      // Visible boxes only (a visually hidden heading is clipped to 1px on purpose).
      if (style.overflow === "visible" || el.clientWidth <= 1) continue;
      // Text clipped by its own box (ellipsis or hidden overflow).
      if (el.scrollWidth > el.clientWidth + 1 && el.textContent?.trim())
        out.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
    }
    return out;
  });
}

describe("Spanish for a patient: portal, kiosk", () => {
  let staff: ApiClient;
  const email = `lucia.${stamp}@example.com`;
  const password = `lucia-pw-2026-${stamp}`;
  const rewardName = `Cepillo ${stamp}`;
  let memberId = "";

  beforeAll(async () => {
    staff = await staffClient();
    await staff.catalog.createReward.mutate({ kind: "in_house", name: rewardName, pointsPrice: 1000, valueCents: 12550 });
    const member = { firstName: "Lucía", lastName: "Reyes", birthday: "1990-03-04", email, password };
    memberId = (await invitedPatient(staff, practice, member)).id;
    await staff.ledger.adjust.mutate({ memberId, points: 2345, note: "Welcome points" });
  });

  test("the patient picks Spanish; home and rewards are in Spanish with es-US numbers, money and dates", async () => {
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    const { page } = phone;
    await portalSignIn(page, practice, email, password);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");

    // First sign-in: the language is offered on the home page.
    const offer = page.getByTestId("language-offer");
    await offer.getByRole("button", { name: "Español" }).click();
    await page.getByRole("heading", { name: "Sus puntos" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
    expect(await offer.count()).toBe(0);
    // 2,345 added by the practice, plus whatever the program gives for a first sign-in.
    const balanceText = (await page.getByTestId("balance").textContent())!.replace(/\s+/g, " ").trim();
    expect(balanceText).toMatch(/^2,\d{3} puntos$/);
    const balance = Number(balanceText.replace(/\D/g, ""));
    const left = `${new Intl.NumberFormat("es-US").format(balance - 1000)} puntos`;
    await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Premios" }).waitFor();
    const activity = page.getByRole("region", { name: "Actividad reciente" });
    expect(await activity.textContent()).toMatch(/\+2,345 puntos — añadidos por la consulta el \d{1,2} [a-z]{3}/);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, "issue18-portal-home-es-phone");

    // Rewards: the reward's value in dollars (es-US), the price in puntos; redeeming says what is left.
    await page.getByRole("link", { name: "Premios" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Premios" }).waitFor();
    await page.waitForLoadState("networkidle");
    const reward = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: rewardName }) });
    expect(await reward.getByTestId("reward-value").textContent()).toBe("$125.50");
    expect(await reward.getByText("1,000 puntos").isVisible()).toBe(true);
    expect(await page.getByText(`Tiene ${balanceText}`).isVisible()).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, "issue18-portal-rewards-es-phone");
    await reward.getByRole("link", { name: "Canjear" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(`Esto usa 1,000 puntos de su saldo y le quedan ${left}. No se puede deshacer.`).waitFor();
    await submit(page, dialog.getByRole("button", { name: `Sí, canjear ${rewardName}` }));
    await page.getByText(`Canjeado: ${rewardName}`).waitFor();
    expect(await page.getByText(`Usó 1,000 puntos; le quedan ${left}.`).isVisible()).toBe(true);
    const order = page.getByRole("region", { name: "Sus pedidos" }).getByTestId("order-line").first();
    expect(await order.textContent()).toMatch(spanishMonth);

    // The profile in Spanish: its labels, the dates by es-US, nothing overflowing at phone size.
    await page.getByRole("link", { name: "Perfil" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Su perfil" }).waitFor();
    expect(await page.getByRole("heading", { name: "Sus datos" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Cerrar sesión" }).isVisible()).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, "issue18-portal-profile-es-phone");
    expect(phone.problems).toEqual([]);
    await phone.close();

    // The choice is the member's: another browser, in English, shows their portal in Spanish after sign-in.
    const other = await openPage(browser(), viewports.phone, { isMobile: true, locale: "en-US" });
    await portalSignIn(other.page, practice, email, password);
    await other.page.getByRole("heading", { name: "Sus puntos" }).waitFor();
    expect(await other.page.getByTestId("language-offer").count()).toBe(0);
    // Switching back on any page: the footer's switch.
    await other.page.getByRole("button", { name: "English" }).click();
    await other.page.getByRole("heading", { name: "Your points" }).waitFor();
    expect(await other.page.evaluate(() => document.documentElement.lang)).toBe("en");
    await other.page.getByRole("button", { name: "Español" }).click();
    await other.page.getByRole("heading", { name: "Sus puntos" }).waitFor();
    expect(other.problems).toEqual([]);
    await other.close();

    // A browser that asks for Spanish sees the public pages in Spanish before anyone signs in.
    const visitor = await openPage(browser(), viewports.phone, { isMobile: true, locale: "es-MX" });
    await visitor.page.goto(`/portal?practice=${practice}`);
    await visitor.page.getByRole("heading", { level: 1, name: "Bienvenido/a a sus recompensas" }).waitFor();
    expect(await visitor.page.evaluate(() => document.documentElement.lang)).toBe("es");
    expect(await overflowing(visitor.page)).toEqual([]);
    await screenshot(visitor.page, "issue18-portal-sign-in-es-phone");
    // The lead form: every field labelled in Spanish.
    await visitor.page.goto(`/portal/register?practice=${practice}`);
    await visitor.page.getByRole("heading", { level: 1, name: "Regístrese con su invitación" }).waitFor();
    expect(await visitor.page.getByLabel("Nombre", { exact: true }).isVisible()).toBe(true);
    expect(await visitor.page.getByLabel("Teléfono (opcional)").isVisible()).toBe(true);
    expect(await visitor.page.getByRole("button", { name: "Enviar mis datos" }).isVisible()).toBe(true);
    expect(await overflowing(visitor.page)).toEqual([]);
    await screenshot(visitor.page, "issue18-portal-register-es-phone");

    await visitor.close();

    // The next email after the same switch (members.setLanguage) is checked in
    // language-messages.test.ts: Spanish, with es-US money.
  });

  test("the kiosk's welcome after a check-in is in Spanish, and fits the screen", async () => {
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    await portalSignIn(phone.page, practice, email, password);
    await phone.page.goto("/portal/profile");
    const code = (await phone.page.getByTestId("checkin-code").textContent())!.trim();
    await phone.close();

    const tablet = await pairedTablet(staff, `Kiosco ${stamp}`);
    const { page } = tablet;
    await page.goto("/kiosk");
    await page.getByRole("link", { name: "Español" }).click();
    await page.getByRole("heading", { level: 1, name: "Registrar llegada" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
    await page.getByRole("link", { name: /^Código de llegada/ }).click();
    await page.getByRole("heading", { name: "Escriba su código de llegada" }).waitFor();
    await page.waitForLoadState("networkidle");
    await tapDigits(page, code);
    await submit(page, page.getByRole("button", { name: "Continuar" }));
    await page.getByRole("heading", { level: 1, name: "¡Bienvenido/a, Lucía R.!" }).waitFor();
    expect(await page.getByText("Su llegada está registrada. Por favor, tome asiento.").isVisible()).toBe(true);
    expect(
      await page
        .getByText(/^\d[\d,]* puntos$/)
        .first()
        .isVisible(),
    ).toBe(true);
    const whole = await fitsViewport(page);
    expect(whole.fits).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, "issue18-kiosk-welcome-es-tablet");
    await page.setViewportSize(viewports.tabletPortrait);
    expect((await fitsViewport(page)).fits).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, "issue18-kiosk-welcome-es-portrait");
    expect(tablet.problems).toEqual([]);
    await tablet.close();
  });
});
