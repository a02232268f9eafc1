// The staff live prompt for an instant reward unlocked by an imported invoice (issue 15 item 4): a
// patient checks in at the desk, the practice-management export arrives later with the invoice
// dated only by day; the import times it at that visit, the reward unlocks, and the dashboard open
// on another screen shows it without a reload.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { openPage, screenshot, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };

async function signIn(page: Page) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

describe("live prompt", () => {
  test("an imported date-only invoice that completes a visit's instant reward prompts the front desk live", async () => {
    const { page: dashboard, context, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(dashboard);
    await dashboard.getByText("Live: new check-ins appear as they happen.").waitFor({ timeout: 15_000 });

    // The desk, on a second screen of the same staff session: check the patient in.
    const desk = await context.newPage();
    await desk.goto("/admin/members?q=PMS-10187");
    await desk.waitForLoadState("networkidle");
    const profile = await desk
      .locator('a[href*="/admin/members/"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").find((h) => /\/members\/[0-9a-f-]{36}$/.test(h)));
    expect(profile).toBeTruthy();
    await desk.goto(profile!);
    await desk.getByRole("button", { name: "Check in at the desk" }).waitFor();
    const memberId = new URL(desk.url()).pathname.split("/").pop()!;
    await submit(desk, desk.getByRole("button", { name: "Check in at the desk" }));
    await dashboard.locator(`li.checked_in a[href$="/members/${memberId}"]`).first().waitFor({ timeout: 15_000 });
    expect(await dashboard.locator(`li.instant_unlocked a[href$="/members/${memberId}"]`).count()).toBe(0);

    // The practice-management export: today's invoice, a date and no time.
    const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/Chicago" });
    const file = join(tmpdir(), `tally-e2e-live-${Date.now()}.csv`);
    writeFileSync(file, `member_id,invoice_id,date,status,code,amount\nPMS-10187,E2E-LIVE-1,${today},paid,ALIGN,400.00\n`);
    await desk.goto("/admin/imports");
    await desk.waitForLoadState("networkidle");
    await desk.getByLabel("CSV file").setInputFiles(file);
    await desk.getByRole("button", { name: "Import" }).click();
    await desk.getByRole("heading", { name: /^Result/ }).waitFor({ timeout: 30_000 });

    const prompt = dashboard.locator(`li.instant_unlocked:has(a[href$="/members/${memberId}"])`).first();
    await prompt.waitFor({ timeout: 15_000 });
    expect(await prompt.textContent()).toMatch(/unlocked/);
    await screenshot(dashboard, "admin-live-prompt-from-import");
    expect(problems).toEqual([]);
    await close();
  });
});
