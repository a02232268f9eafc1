// The practice the portal and an unpaired kiosk open with comes from the database (Settings →
// Practice "default practice"), not from a setting of the server (issue 14). On an empty install
// (TALLY_SEED=never, its own server) the kiosk says, kindly and styled, that it is not set up yet,
// as the portal does; once the first practice is set up, both open with it without a link naming it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fitsViewport, openPage, screenshot, submit, useBrowser, viewports } from "../src/harness.ts";
import { enrolSecondFactor } from "../src/second-factor.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();

describe("default practice on an empty install", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { TALLY_SEED: "never", TALLY_JOBS: "off" }, logName: "server-default-practice.log" });
  }, 180_000);
  afterAll(async () => server?.stop());

  test("the kiosk and the portal say they are not set up yet", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.tablet);
    await page.goto(`${server.url}/kiosk`);
    await page.getByRole("heading", { name: "Check-in is not set up yet" }).waitFor();
    await page.getByText("This practice is still getting its rewards program ready").waitFor();
    // Not the pairing screen: there is nothing to pair with yet.
    expect(page.url()).not.toContain("/pair");
    expect(await page.getByRole("heading", { name: "Set up this kiosk" }).count()).toBe(0);
    expect(await fitsViewport(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-not-set-up");
    await page.goto(`${server.url}/kiosk?lang=es`);
    await page.getByRole("heading", { name: "El registro aún no está configurado" }).waitFor();

    await page.goto(`${server.url}/portal`);
    await page.getByRole("heading", { name: "This rewards program is not set up yet" }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  test("after setup, the portal and the kiosk open with the new practice, no link needed", async () => {
    const match = /(\/admin\/setup\?token=setup_[\w-]+)/.exec(readFileSync(server.logFile, "utf8"));
    if (!match) throw new Error("the server did not print a setup link");
    const { page, close } = await openPage(browser(), viewports.desktop);
    await page.goto(`${server.url}${match[1]}`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Practice name").fill("Cove Street Dental");
    await page.getByLabel("Your name").fill("Dr. Ada Cove");
    await page.getByLabel("Work email").fill("ada@cove.test");
    await page.getByLabel("Password", { exact: true }).fill("cove-admin-2026");
    await page.getByLabel("Password again").fill("cove-admin-2026");
    await submit(page, page.getByRole("button", { name: "Create the practice and sign in" }));
    // Admins always sign in in two steps: the setup comes first, then the page setup led to.
    await enrolSecondFactor(page);
    await page.getByText("Your practice is set up").waitFor();
    await page.getByText("The portal and the kiosk open with this practice").waitFor();
    await close();

    const patient = await openPage(browser(), viewports.phone, { isMobile: true });
    await patient.page.goto(`${server.url}/portal`);
    await patient.page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
    expect(await patient.page.title()).toContain("Cove Street Dental");
    await patient.close();

    const tablet = await openPage(browser(), viewports.tablet);
    await tablet.page.goto(`${server.url}/kiosk`);
    await tablet.page.getByRole("heading", { name: "Set up this kiosk" }).waitFor();
    await tablet.page.locator(".top .name").getByText("Cove Street Dental").waitFor();
    await screenshot(tablet.page, "kiosk-unpaired-default-practice");
    await tablet.close();
  });
});
