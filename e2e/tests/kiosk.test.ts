import { describe, expect, test } from "vitest";
import { firstFocusRing, fitsViewport, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const choices = ["Rewards card", "QR code", "Phone number"];

describe("kiosk", () => {
  for (const [name, viewport] of [
    ["landscape", viewports.tablet],
    ["portrait", viewports.tabletPortrait],
  ] as const) {
    test(`start screen on a ${name} tablet: three big choices, no scrolling`, async () => {
      const { page, problems, requests, close } = await openPage(browser(), viewport, { isMobile: true });
      await page.goto("/kiosk");
      await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
      expect(await page.getByText("Bright Smiles Orthodontics").isVisible()).toBe(true);

      for (const choice of choices) {
        const link = page.getByRole("link", { name: new RegExp(`^${choice}`) });
        const box = await link.boundingBox();
        expect(box, choice).not.toBeNull();
        expect(box!.height, `${choice} height`).toBeGreaterThanOrEqual(64);
        expect(box!.width, `${choice} width`).toBeGreaterThanOrEqual(64);
      }
      for (const language of ["English", "Español"]) {
        const box = await page.getByRole("link", { name: language }).boundingBox();
        expect(box!.height, language).toBeGreaterThanOrEqual(64);
      }
      expect(await fitsViewport(page)).toMatchObject({ fits: true });
      await page.waitForLoadState("networkidle");
      await screenshot(page, `kiosk-start-${name}`);

      expect(requests.filter((path) => !path.startsWith("/kiosk"))).toEqual([]);
      expect(problems).toEqual([]);
      await close();
    });
  }

  test("Español switches every word, and the choice follows the patient to the next screen", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.tablet, { isMobile: true });
    await page.goto("/kiosk");
    await page.waitForLoadState("networkidle");

    await page.getByRole("link", { name: "Español" }).click();
    await page.getByRole("heading", { name: "Registrar llegada" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
    expect(await page.getByRole("link", { name: "Español" }).getAttribute("aria-current")).toBe("true");
    expect(await fitsViewport(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-start-es");

    await page.getByRole("link", { name: /^Número de teléfono/ }).click();
    await page.getByRole("heading", { name: "Escriba su número de teléfono" }).waitFor();
    await page.getByLabel("Número de teléfono").fill("555");
    await submit(page, page.getByRole("button", { name: "Continuar" }));
    await page.getByText("Escriba su número de teléfono, 10 dígitos.").waitFor();

    await page.getByLabel("Número de teléfono").fill("(312) 555-0142");
    await submit(page, page.getByRole("button", { name: "Continuar" }));
    await expect.poll(() => page.getByRole("status").first().textContent(), { timeout: 15_000 }).toMatch(/recepción/);
    expect(await fitsViewport(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-phone-es");

    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { name: "Type your phone number" }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  test("card screen: labelled field, visible focus ring, fits the screen", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.tabletPortrait, { isMobile: true });
    await page.goto("/kiosk/check-in/card");
    await page.getByRole("heading", { name: "Scan or type your rewards card" }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    const focus = await firstFocusRing(page);
    expect(focus.style).not.toBe("none");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    expect(await fitsViewport(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-card-portrait");
    expect(problems).toEqual([]);
    await close();
  });

  test("an unknown check-in method is a 404", async () => {
    const { page, close } = await openPage(browser(), viewports.tablet);
    const response = await page.goto("/kiosk/check-in/fax");
    expect(response?.status()).toBe(404);
    await close();
  });
});
