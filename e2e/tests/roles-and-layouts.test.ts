// Roles (issue 14) and the admin app on a phone (issue 15 items 10 and 16): a team member sees only
// the areas and buttons their role may use, and an admin-only page opened by URL explains itself in
// the app's frame; on a 390×844 phone Approvals, Orders and Settings fit the screen (their tables
// become cards) with Approve, Reject and Fulfil on screen, the dashboard's figures sit two by two,
// there is no "Disable" on your own staff row, and the chart's axis labels are readable with the
// 12-month view grouped by month.
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { fitsViewport, openPage, screenshot, submit, useBrowser, viewports } from "../src/harness.ts";
import { screenshotDir } from "../src/paths.ts";

const browser = useBrowser();
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };
const team = { email: "team@brightsmiles.test", password: "demo-team-2026" };

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

/** The page does not scroll sideways (it may scroll down): fitsViewport's width part. */
async function fitsWidth(page: Page): Promise<{ fits: boolean; scroll: string }> {
  const { scroll } = await fitsViewport(page);
  const m = /^(\d+)x\d+ in (\d+)x\d+$/.exec(scroll);
  if (!m) throw new Error(`unexpected fitsViewport answer: ${scroll}`);
  return { fits: Number(m[1]) <= Number(m[2]), scroll };
}

/** The element is wholly inside the phone's width. */
async function onScreen(locator: Locator, width = viewports.phone.width) {
  const box = await locator.boundingBox();
  expect(box, "the element is rendered").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

describe("roles", () => {
  test("a team member sees only the areas and buttons they may use", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, team);
    const nav = page.getByRole("complementary", { name: "Main" }).getByRole("navigation");
    const labels = (await nav.getByRole("link").allTextContents()).map((t) => t.trim());
    expect(labels).toEqual([
      "Dashboard",
      "Members",
      "Leads",
      "Approvals",
      "Orders",
      "Messages",
      "Engagement",
      "Reviews",
      "Reports",
      "Your account",
    ]);

    // Leads: converting is for admins; the team member is told, not shown a button that would fail.
    await page.goto("/admin/members/leads");
    await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
    expect(await page.getByRole("button", { name: "Convert" }).count()).toBe(0);

    // Engagement: team members see what runs and invite, but no tab or link into admin-only pages.
    await page.goto("/admin/engagement");
    await page.getByRole("heading", { name: "Engagement", level: 1 }).waitFor();
    const tabs = (await page.getByRole("navigation", { name: "Engagement" }).getByRole("link").allTextContents()).map((t) => t.trim());
    expect(tabs).toEqual(["Overview", "Referral campaigns", "Marketplace"]);
    expect(await page.getByRole("main").getByRole("link", { name: "Rules" }).count()).toBe(0);
    await page.getByRole("link", { name: "See activities" }).waitFor();
    await screenshot(page, "roles-team-engagement");

    // Admin-only pages opened by URL: the styled explanation inside the app's frame, navigation kept.
    for (const path of ["/admin/settings", "/admin/rules", "/admin/catalog", "/admin/imports", "/admin/members/import"]) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await page.getByRole("heading", { name: "This page is for admins", level: 1 }).waitFor();
      expect(await nav.getByRole("link", { name: "Dashboard" }).isVisible()).toBe(true);
    }
    await screenshot(page, "roles-team-admin-only-page");
    expect(problems.filter((p) => !p.startsWith("403 "))).toEqual([]);
    await close();
  });

  test("an admin sees every area", async () => {
    const { page, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    const nav = page.getByRole("complementary", { name: "Main" }).getByRole("navigation");
    const labels = (await nav.getByRole("link").allTextContents()).map((t) => t.trim());
    for (const l of ["Rules", "Programs", "Catalog", "Imports", "Settings", "Import patients", "Suggested merges"])
      expect(labels).toContain(l);
    await page.goto("/admin/engagement");
    await page.getByRole("navigation", { name: "Engagement" }).getByRole("link", { name: "QR codes" }).waitFor();
    await close();
  });
});

describe("admin on a phone (390×844)", () => {
  test("Approvals and Orders fit, with Approve, Reject and Fulfil on screen", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, admin);

    await page.goto("/admin/approvals");
    await page.getByRole("heading", { name: "Approvals", level: 1 }).waitFor();
    const approve = page.getByRole("button", { name: /^Approve / });
    expect(await approve.count()).toBeGreaterThan(0);
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await onScreen(approve.first());
    await onScreen(page.getByRole("button", { name: "Reject" }).first());
    await screenshot(page, "layouts-approvals-phone");

    await page.goto("/admin/orders");
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    const fulfil = page.getByRole("button", { name: /^Fulfil / });
    expect(await fulfil.count()).toBeGreaterThan(0);
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    await onScreen(fulfil.first());
    await onScreen(page.getByRole("button", { name: "Cancel" }).first());
    await screenshot(page, "layouts-orders-phone");

    await page.goto("/admin/members/leads");
    await page.getByRole("heading", { name: "Leads", level: 1 }).waitFor();
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    for (const convert of await page.getByRole("button", { name: "Convert" }).all()) await onScreen(convert);
    await screenshot(page, "layouts-leads-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("Settings fits, its buttons keep one line, and your own staff row has no Disable", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, admin);
    await page.goto("/admin/settings?tab=staff");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    const rows = page.locator("table.data-table tbody tr");
    const mine = rows.filter({ hasText: admin.email });
    expect(await mine.getByRole("button", { name: "Disable" }).count()).toBe(0);
    await mine.getByText("You").waitFor();
    const other = rows.filter({ hasText: team.email });
    for (const name of ["Reset password", "Disable"]) {
      const button = other.getByRole("button", { name });
      await onScreen(button);
      // One line of text: no taller than the touch target.
      expect((await button.boundingBox())!.height).toBeLessThanOrEqual(48);
    }
    await screenshot(page, "layouts-settings-staff-phone");
    for (const tab of ["practice", "kiosks", "keys"]) {
      await page.goto(`/admin/settings?tab=${tab}`);
      await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
      expect({ tab, ...(await fitsWidth(page)) }).toMatchObject({ tab, fits: true });
      for (const button of await page.locator("main button:visible").all()) {
        await onScreen(button);
        expect((await button.boundingBox())!.height).toBeLessThanOrEqual(48);
      }
    }
    await screenshot(page, "layouts-settings-keys-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("the dashboard's figures sit two by two and the chart's labels are readable", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, admin);
    expect(await fitsWidth(page)).toMatchObject({ fits: true });
    const figures = page.locator(".figures .figure");
    expect(await figures.count()).toBe(4);
    const [a, b, c] = await Promise.all([0, 1, 2].map(async (i) => (await figures.nth(i).boundingBox())!));
    expect(Math.abs(a!.y - b!.y)).toBeLessThan(2);
    expect(c!.y).toBeGreaterThan(a!.y + a!.height - 1);
    // Axis labels are text of at least 12 px on the phone, not a scaled-down drawing.
    const sizes = await page
      .locator("figure.chart .x span, figure.chart .y span")
      .evaluateAll((els) => els.map((el) => Number.parseFloat(getComputedStyle(el).fontSize)));
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await screenshot(page, "layouts-dashboard-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("the 12-month report groups the chart by month", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    await page.goto("/admin/reports");
    await page.getByRole("link", { name: "12 months" }).click();
    await page.waitForURL(/from=/);
    await page.waitForLoadState("networkidle");
    const chart = page.locator("figure.chart").first();
    // Two series, 12 or 13 months: at most 26 bars instead of 730 hairlines.
    const bars = await chart.locator("svg rect").count();
    expect(bars).toBeGreaterThanOrEqual(24);
    expect(bars).toBeLessThanOrEqual(26);
    await chart.getByText("One bar per month").waitFor();
    expect((await chart.locator(".x span").allTextContents()).length).toBeLessThanOrEqual(7);
    await chart.screenshot({ path: join(screenshotDir, "layouts-reports-12-months-chart.png") });
    expect(problems).toEqual([]);
    await close();
  });
});
