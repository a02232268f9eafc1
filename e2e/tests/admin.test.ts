import { describe, expect, test } from "vitest";
import { firstFocusRing, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();

describe("admin", () => {
  test("/admin leads to the sign-in page, with every asset under /admin", async () => {
    const { page, problems, requests, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin");
    expect(new URL(page.url()).pathname).toBe("/admin/sign-in");

    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    expect(await page.getByLabel("Email").isVisible()).toBe(true);
    expect(await page.getByLabel("Password").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign in" }).isVisible()).toBe(true);
    await page.waitForLoadState("networkidle");
    await screenshot(page, "admin-sign-in-desktop");

    expect(requests.filter((path) => !path.startsWith("/admin"))).toEqual([]);
    expect(requests.some((path) => path.startsWith("/admin/_app/immutable/"))).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });

  test("sign-in explains missing fields, then says sign-in is not available yet", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin/sign-in");
    await page.waitForLoadState("networkidle");

    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByText("Enter your work email address.").waitFor();
    expect(await page.getByText("Enter your password.").isVisible()).toBe(true);
    expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "admin-sign-in-errors");

    await page.getByLabel("Email").fill("owner@brightsmiles.test");
    await page.getByLabel("Password").fill("correct horse");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 }).toMatch(/not available yet/);
    // The email survives the round trip, the password does not.
    expect(await page.getByLabel("Email").inputValue()).toBe("owner@brightsmiles.test");
    await screenshot(page, "admin-sign-in-not-yet");
    expect(problems).toEqual([]);
    await close();
  });

  test("accessibility: labelled inputs and a visible focus ring", async () => {
    const { page, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin/sign-in");
    expect(await unlabelledInputs(page)).toEqual([]);
    const focus = await firstFocusRing(page);
    expect(focus.style).not.toBe("none");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    await close();
  });
});
