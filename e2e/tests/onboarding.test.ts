// Onboarding from an empty install (TALLY_SEED=never, its own server and data folder): the portal
// says "not set up yet", sign-in sends to setup, the printed one-time link opens the setup page,
// setup creates the practice and its admin and signs them in, and Settings → Practice saves the
// details and a logo that then shows in the app shell. Then, on the demo server, a team member
// opening an admin-only page gets the styled explanation inside the app's frame.
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";
import { enrolSecondFactor } from "../src/second-factor.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();

/** A solid-colour PNG written by hand (the e2e package has no image library). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: width }, (_, x) => (x < width / 2 ? [15, 118, 110] : [255, 255, 255])).flat()),
  ]);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("an empty install", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { TALLY_SEED: "never", TALLY_JOBS: "off" }, logName: "server-empty.log" });
  }, 180_000);
  afterAll(async () => server?.stop());

  const setupLink = () => {
    const match = /(\/admin\/setup\?token=setup_[\w-]+)/.exec(readFileSync(server.logFile, "utf8"));
    if (!match) throw new Error("the server did not print a setup link");
    return `${server.url}${match[1]}`;
  };

  test("the portal says it is not set up; sign-in leads to the setup page, which needs the printed link", async () => {
    const { page, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto(`${server.url}/portal`);
    await page.getByRole("heading", { name: "This rewards program is not set up yet" }).waitFor();
    await screenshot(page, "portal-not-set-up-phone");
    await page.goto(`${server.url}/admin/sign-in`);
    await page.getByRole("heading", { name: "Set up your practice" }).waitFor();
    await page.getByText("Open the setup link").waitFor();
    await close();
  });

  test("setup with the printed link creates the practice and its admin, then settings save details and a logo", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto(setupLink());
    await page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(page)).toEqual([]);
    // A mismatch keeps what was typed and says what to fix.
    await page.getByLabel("Practice name").fill("Harbor Family Dental");
    await page.getByLabel("Time zone").selectOption("America/Los_Angeles");
    await page.getByLabel("Your name").fill("Dr. Lee Harbor");
    await page.getByLabel("Work email").fill("lee@harbor.test");
    await page.getByLabel("Password", { exact: true }).fill("harbor-admin-2026");
    await page.getByLabel("Password again").fill("something else");
    await submit(page, page.getByRole("button", { name: "Create the practice and sign in" }));
    await page.getByText("The two passwords differ").waitFor();
    expect(await page.getByLabel("Practice name").inputValue()).toBe("Harbor Family Dental");
    expect(await page.getByLabel("Web address").inputValue()).toBe("harbor-family-dental");
    await screenshot(page, "admin-setup-error");
    await page.getByLabel("Password", { exact: true }).fill("harbor-admin-2026");
    await page.getByLabel("Password again").fill("harbor-admin-2026");
    await submit(page, page.getByRole("button", { name: "Create the practice and sign in" }));
    // Admins always sign in in two steps: the setup comes first, then the page setup led to.
    await enrolSecondFactor(page);
    await page.getByText("Your practice is set up").waitFor();
    await page.getByRole("heading", { name: "Practice details" }).waitFor();
    expect(await page.getByLabel("Practice name").inputValue()).toBe("Harbor Family Dental");
    expect(await page.getByLabel("Time zone").inputValue()).toBe("America/Los_Angeles");

    // The link works once.
    const again = await page.context().newPage();
    await again.goto(setupLink());
    await again.getByRole("heading", { name: "Sign in" }).waitFor();
    await again.close();

    await page.getByLabel("Address").fill("200 Harbor Way\nSeaside, CA 93955");
    await page.getByLabel("Phone").fill("(831) 555-0142");
    await page.getByLabel("Point cost (dollars)").fill("0.02");
    await submit(page, page.getByRole("button", { name: "Save practice details" }));
    await page.getByText("Saved. Point cost $0.02").waitFor();

    await page.locator("input#logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png(1200, 400) });
    await submit(page, page.getByRole("button", { name: "Upload", exact: true }));
    await page.getByText("The logo is saved (512 × 171 px)").waitFor();
    const logo = page.locator("aside img.logo");
    await logo.waitFor();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(512);
    expect(await page.getByLabel("Address").inputValue()).toContain("Seaside");
    await screenshot(page, "admin-settings-practice");
    expect(problems.filter((p) => !p.startsWith("console"))).toEqual([]);

    await page.setViewportSize(viewports.phone);
    await page.reload();
    await page.getByRole("heading", { name: "Practice details" }).waitFor();
    await screenshot(page, "admin-settings-practice-phone");
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => `${document.documentElement.scrollWidth} <= ${window.innerWidth}`)).toBe(
      `${viewports.phone.width} <= ${viewports.phone.width}`,
    );
    await close();
  });

  test("the portal now opens with the new practice", async () => {
    const { page, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto(`${server.url}/portal?practice=harbor-family-dental`);
    await page.getByText("Harbor Family Dental").first().waitFor();
    await close();
  });
});

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

describe("roles", () => {
  test("a team member sees no admin-only navigation, and an admin-only page explains itself in the app's frame", async () => {
    const { page, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, { email: "team@brightsmiles.test", password: "demo-team-2026" });
    for (const label of ["Rules", "Programs", "Catalog", "Imports", "Settings"]) {
      expect(await page.locator("#main-nav").getByRole("link", { name: label, exact: true }).count()).toBe(0);
    }
    for (const path of ["/admin/settings", "/admin/rules", "/admin/catalog/new"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await page.getByRole("heading", { name: "This page is for admins" }).waitFor();
      // The frame stays: navigation and the signed-in person.
      await page.locator("#main-nav").getByRole("link", { name: "Members", exact: true }).waitFor({ state: "attached" });
    }
    await page.getByText("ask an admin of your practice").waitFor();
    await screenshot(page, "admin-forbidden-team");
    await page.setViewportSize(viewports.phone);
    await page.reload();
    await page.getByRole("heading", { name: "This page is for admins" }).waitFor();
    await screenshot(page, "admin-forbidden-team-phone");
    await close();
  });
});
