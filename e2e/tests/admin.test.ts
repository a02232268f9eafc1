import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseURL, firstFocusRing, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

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

const balanceOf = async (page: Page) => Number((await page.getByTestId("balance").textContent())!.replace(/[^\d-]/g, ""));

describe("admin", () => {
  test("/admin leads to the sign-in page, with every asset under /admin", async () => {
    const { page, problems, requests, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin");
    expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
    await page.getByRole("heading", { name: "Sign in", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "admin-sign-in-desktop");
    expect(requests.filter((path) => !path.startsWith("/admin"))).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("sign-in explains missing fields and a wrong password", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin/sign-in");
    await page.waitForLoadState("networkidle");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByText("Enter your work email address.").waitFor();
    expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not the password");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 }).toMatch(/do not match/);
    expect(await page.getByLabel("Email").inputValue()).toBe(admin.email);
    await screenshot(page, "admin-sign-in-errors");
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

  test("a team member sees the desk jobs but not the admin-only areas; sign-out ends the session", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, team);
    const labels = await page.locator("#main-nav a").allTextContents();
    expect(labels).toEqual(expect.arrayContaining(["Dashboard", "Members", "Approvals", "Orders", "Reports"]));
    expect(labels).not.toContain("Settings");
    expect(labels).not.toContain("Rules");
    await submit(page, page.getByRole("button", { name: "Sign out" }));
    await page.getByText("You are signed out.").waitFor();
    await page.goto("/admin/members");
    expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
    expect(problems).toEqual([]);
    await close();
  });

  test("the desk's day: find a member, award points, survey to a milestone, approve, fulfil, import, report", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    await page.waitForLoadState("networkidle");
    // The four figures and the chart.
    for (const label of ["Check-ins today", "Pending approvals", "Open orders", "Points issued this week"]) {
      expect(await page.getByText(label).isVisible()).toBe(true);
    }
    expect(await page.locator("figure.chart [role=img]").count()).toBeGreaterThan(0);
    await screenshot(page, "admin-dashboard");
    expect(await unlabelledInputs(page)).toEqual([]);

    // Members: search as you type.
    await page.getByRole("link", { name: "Members", exact: true }).click();
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Search members").pressSequentially("ana", { delay: 40 });
    await expect.poll(() => new URL(page.url()).searchParams.get("q"), { timeout: 10_000 }).toBe("ana");
    await page.waitForLoadState("networkidle");
    const first = page.locator("table.data-table tbody tr a").first();
    const name = (await first.textContent())!.trim();
    expect(name.toLowerCase()).toContain("ana");
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-members-search");
    await first.click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");

    // Award points with a note: the balance changes and the ledger says why.
    const before = await balanceOf(page);
    await page.getByRole("link", { name: "Award or deduct points" }).click();
    await page.getByRole("textbox", { name: "Points" }).waitFor();
    await page.getByRole("textbox", { name: "Points" }).fill("25");
    const note = `Brought a friend to the open day (${Date.now()})`;
    await page.getByRole("textbox", { name: "Note" }).fill(note);
    await submit(page, page.getByRole("button", { name: "Save" }));
    await page.getByText("+25 pts recorded").waitFor();
    expect(await balanceOf(page)).toBe(before + 25);
    await page.getByRole("cell", { name: `25 points adjusted by Dr. Morgan Reyes: ${note}` }).waitFor();
    await screenshot(page, "admin-member-awarded");

    // Take the compliance survey, perfect every time, until a milestone completes ("Keep it up": every 5).
    let milestone = "";
    for (let i = 0; i < 6 && !milestone; i++) {
      await page.getByRole("link", { name: "Take survey" }).click();
      await page.getByRole("button", { name: "Submit survey" }).waitFor();
      const yes = page.getByRole("radio", { name: "Yes" });
      for (let q = 0; q < (await yes.count()); q++) await yes.nth(q).check();
      await submit(page, page.getByRole("button", { name: "Submit survey" }));
      await page.getByText("Perfect survey recorded").waitFor();
      const text = (await page.getByRole("status").filter({ hasText: "Perfect survey recorded" }).textContent()) ?? "";
      if (/from “Keep it up”|from “Braces journey”|phase/.test(text)) milestone = text;
    }
    expect(milestone).toMatch(/Keep it up|Braces journey/);
    await screenshot(page, "admin-member-survey-milestone");
    // Each tab is its own navigation: let one land before the next click.
    await page.getByRole("link", { name: "Activity" }).click();
    await page.waitForLoadState("networkidle");
    await page
      .getByRole("cell", { name: /from milestone/ })
      .first()
      .waitFor();
    await page.getByRole("link", { name: "Milestones" }).click();
    await page.waitForURL((u) => u.searchParams.get("tab") === "milestones");
    await page.getByRole("heading", { name: "Keep it up" }).waitFor();
    await screenshot(page, "admin-member-milestones");

    // Approvals: the patient's response is shown; approve the first.
    await page.getByRole("link", { name: "Approvals", exact: true }).click();
    await page.getByRole("heading", { name: "Approvals", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const row = page.locator("table.data-table tbody tr").first();
    expect((await row.locator("td.response").textContent())!.trim().length).toBeGreaterThan(0);
    await screenshot(page, "admin-approvals");
    await submit(page, row.getByRole("button", { name: /^Approve/ }));
    await page.getByText(/Approved for .+/).waitFor();
    await screenshot(page, "admin-approvals-approved");

    // Orders: fulfil the oldest.
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const openBefore = await page.locator("table.data-table tbody tr").count();
    expect(openBefore).toBeGreaterThan(0);
    await screenshot(page, "admin-orders");
    await submit(
      page,
      page
        .locator("table.data-table tbody tr")
        .first()
        .getByRole("button", { name: /^Fulfil/ }),
    );
    await page.getByText(/: fulfilled\./).waitFor();
    expect(await page.locator("table.data-table tbody tr").count()).toBe(openBefore - 1);

    // Imports: one bad row is reported by its row number; the good rows import.
    const csv = join(tmpdir(), `tally-e2e-${Date.now()}.csv`);
    writeFileSync(
      csv,
      [
        "member_id,invoice_id,date,status,code,amount",
        `PMS-10001,E2E-${Date.now()}-1,2026-11-20,paid,CLEAN,120.00`,
        `PMS-10002,E2E-${Date.now()}-2,2026-11-20,paid,XRAY,not-money`,
        `PMS-10003,E2E-${Date.now()}-3,2026-11-20,paid,EXAM,95.50`,
      ].join("\n"),
    );
    await page.getByRole("link", { name: "Imports", exact: true }).click();
    await page.getByRole("heading", { name: "Imports", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await page.getByLabel("CSV file").setInputFiles(csv);
    await page.getByRole("button", { name: "Import" }).click();
    const errors = page.getByRole("table", { name: "Row errors" });
    await errors.waitFor({ timeout: 30_000 });
    expect(await errors.locator("tbody tr").count()).toBe(1);
    expect((await errors.locator("tbody tr td").first().textContent())!.trim()).toBe("3");
    expect(await errors.textContent()).toMatch(/amount/);
    const imported = page.locator("dl.summary div", { hasText: "Invoices imported" }).locator("dd");
    expect((await imported.textContent())!.trim()).toBe("2");
    await page.locator("table.data-table").last().waitFor();
    await screenshot(page, "admin-import-result");

    // Reports: charts first, table below, range in the URL, CSV export.
    await page.getByRole("link", { name: "Reports", exact: true }).click();
    await page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    await page.getByRole("link", { name: "90 days" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("from")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("figure.chart [role=img]").count()).toBeGreaterThan(0);
    const issued = Number(
      (await page.locator(".figure", { hasText: "Points issued" }).locator(".value").textContent())!.replace(/\D/g, ""),
    );
    expect(issued).toBeGreaterThan(0);
    expect(await page.locator("table.data-table tbody tr").count()).toBeGreaterThanOrEqual(89);
    await screenshot(page, "admin-reports");
    const exportHref = await page.getByRole("link", { name: "Export CSV" }).first().getAttribute("href");
    const response = await page.request.get(new URL(exportHref!, baseURL).href);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/text\/csv/);
    expect((await response.text()).split("\n")[0]).toMatch(/^day,issued/);

    expect(problems).toEqual([]);
    await close();
  });

  test("settings: add a staff user with a temporary password, then see it in the audit log", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    await page.getByRole("link", { name: "Settings", exact: true }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const email = `new.hire.${Date.now()}@brightsmiles.test`;
    await page.getByLabel("Name").fill("Casey New");
    await page.getByLabel("Work email").fill(email);
    await submit(page, page.getByRole("button", { name: "Add with a temporary password" }));
    await page.getByText(`Give ${email} this password`).waitFor();
    await page
      .getByRole("cell", { name: /Casey New/ })
      .first()
      .waitFor();
    await screenshot(page, "admin-settings-staff");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("table.data-table tbody tr").count()).toBeGreaterThan(0);
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-settings-audit");
    expect(problems).toEqual([]);
    await close();
  });

  test("on a phone the navigation folds into a menu and the member list stays usable", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, team);
    expect(await page.locator("#main-nav").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Members", exact: true }).click();
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "admin-members-phone");
    expect(problems).toEqual([]);
    await close();
  });
});
