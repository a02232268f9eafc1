import { describe, expect, test } from "vitest";
import { firstFocusRing, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();

describe("portal", () => {
  test("welcome page on a phone: both ways to sign in and the invitation link", async () => {
    const { page, problems, requests, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/portal");
    await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();

    const email = page.getByRole("region", { name: "Sign in with email" });
    expect(await email.getByLabel("Email").isVisible()).toBe(true);
    expect(await email.getByLabel("Password").isVisible()).toBe(true);

    const card = page.getByRole("region", { name: "Sign in with your rewards card" });
    expect(await card.getByLabel("Rewards card number").isVisible()).toBe(true);
    expect(await card.getByLabel("Date of birth").isVisible()).toBe(true);
    expect(await page.getByText("Bright Smiles Orthodontics").first().isVisible()).toBe(true);

    // Phone first: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-welcome-phone");

    await page.getByRole("link", { name: "Register with your invitation" }).click();
    await page.getByRole("heading", { name: "Register with your invitation" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/portal/register");
    await screenshot(page, "portal-register-phone");

    expect(requests.filter((path) => !path.startsWith("/portal"))).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("card sign-in validates, then says sign-in is not available yet", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/portal");
    await page.waitForLoadState("networkidle");
    const card = page.getByRole("region", { name: "Sign in with your rewards card" });

    await card.getByLabel("Rewards card number").fill("12");
    await submit(page, card.getByRole("button", { name: "Sign in with card" }));
    await card.getByText("A card number has 6 to 20 digits.").waitFor();

    await card.getByLabel("Rewards card number").fill("4000 1234 5678");
    await card.getByLabel("Date of birth").fill("2012-05-14");
    await submit(page, card.getByRole("button", { name: "Sign in with card" }));
    await expect.poll(() => card.getByRole("alert").textContent(), { timeout: 15_000 }).toMatch(/not available yet/);
    await screenshot(page, "portal-card-not-yet-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("desktop layout and accessibility", async () => {
    const { page, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/portal");
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-welcome-desktop");
    expect(await unlabelledInputs(page)).toEqual([]);
    const focus = await firstFocusRing(page);
    expect(focus.style).not.toBe("none");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    await close();
  });
});
