// Admin extras: sign-in returns to the page asked for (and never to another site), the import
// history lists each run's bad rows, tags and a desk check-in on the member profile, and the
// member list on a phone.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseURL, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };
const team = { email: "team@brightsmiles.test", password: "demo-team-2026" };

async function fillSignIn(page: Page, who: { email: string; password: string }) {
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/sign-in");
  await fillSignIn(page, who);
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

/** Opens the member with this practice-management id (search finds it by the id). */
async function openMember(page: Page, externalId: string): Promise<string> {
  await page.goto(`/admin/members?q=${externalId}`);
  await page.waitForLoadState("networkidle");
  const rows = page.locator("table.data-table tbody tr");
  expect(await rows.count()).toBe(1);
  const link = rows.first().locator("a").first();
  const name = (await link.textContent())!.trim();
  await link.click();
  await page.getByRole("heading", { name, level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
  return name;
}

function csvFile(lines: string[]): string {
  const file = join(tmpdir(), `tally-e2e-extras-${Date.now()}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, ["member_id,invoice_id,date,status,code,amount", ...lines].join("\n"));
  return file;
}

async function upload(page: Page, file: string) {
  await page.goto("/admin/imports");
  await page.getByRole("heading", { name: "Imports", level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Import" }).click();
  await page.getByRole("heading", { name: /^Result/ }).waitFor({ timeout: 30_000 });
  await page.waitForLoadState("networkidle");
}

describe("admin extras", () => {
  test("sign-in brings a staff member back to the page they asked for", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin/members?tag=braces&registered=yes");
    const url = new URL(page.url());
    expect(url.pathname).toBe("/admin/sign-in");
    expect(url.searchParams.get("next")).toBe("/admin/members?tag=braces&registered=yes");
    // A wrong password first: the page asked for survives the failed attempt.
    await fillSignIn(page, { ...team, password: "not the password" });
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 }).toMatch(/do not match/);
    await page.getByLabel("Password").fill(team.password);
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    const back = new URL(page.url());
    expect(back.pathname + back.search).toBe("/admin/members?tag=braces&registered=yes");
    expect(await page.getByLabel("Tag").inputValue()).toBe("braces");
    await screenshot(page, "admin-sign-in-next-members");
    expect(problems).toEqual([]);
    await close();
  });

  test("sign-in ignores a next that points outside the app (no open redirect)", async () => {
    for (const next of ["https://evil.example/admin", "//evil.example/admin", "/\\evil.example/admin", "/portal", "/admin/../portal"]) {
      const { page, problems, close } = await openPage(browser(), viewports.desktop);
      await page.goto(`/admin/sign-in?next=${encodeURIComponent(next)}`);
      await fillSignIn(page, team);
      await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
      const landed = new URL(page.url());
      expect(landed.origin, next).toBe(new URL(baseURL).origin);
      expect(landed.pathname, next).toBe("/admin/");
      expect(problems).toEqual([]);
      await close();
    }
  });

  test("the import history lists each run's rows, duplicates skipped and the bad rows by number", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    const stamp = Date.now();
    const file = csvFile([
      `PMS-10160,X-${stamp}-1,2026-11-18,paid,CLEAN,120.00`,
      `PMS-10161,X-${stamp}-2,2026-11-18,paid,XRAY,twelve`,
      `PMS-10162,X-${stamp}-3,2026-11-18,paid,EXAM,95.50`,
    ]);
    await upload(page, file);
    const latest = page.getByTestId("import-run").first();
    const cells = async () => (await latest.locator("td").allTextContents()).map((t) => t.trim()).slice(2);
    await expect.poll(cells, { timeout: 15_000 }).toEqual(["3", "2", "0", "1"]);
    await page.getByText("Show the row not imported").first().click();
    const rowErrors = page.getByRole("table", { name: /^Rows not imported in the run of/ }).first();
    await rowErrors.waitFor();
    expect(await rowErrors.locator("tbody tr td").first().textContent()).toBe("3");
    expect(await rowErrors.textContent()).toMatch(/amount must be a dollar amount like 125\.00 \(got "twelve"\)/);
    await screenshot(page, "admin-import-history-errors");

    // The same file again: nothing new, both good invoices counted as already imported, the bad row again.
    await upload(page, file);
    await expect.poll(cells, { timeout: 15_000 }).toEqual(["3", "0", "2", "1"]);
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-import-history-reimport");
    expect(problems).toEqual([]);
    await close();
  });

  test("member profile: add and remove tags, and check the patient in at the desk", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, team);
    await openMember(page, "PMS-10150");

    // Tags: an empty add explains itself; two tags at once; then remove one.
    await page.getByRole("link", { name: "Edit tags" }).click();
    await page.getByRole("textbox", { name: "Add tags" }).waitFor();
    await page.waitForLoadState("networkidle");
    await submit(page, page.getByRole("button", { name: "Add", exact: true }));
    await page.getByText("Type a tag to add").waitFor();
    await page.getByRole("textbox", { name: "Add tags" }).fill("Spanish speaker, Early bird");
    await submit(page, page.getByRole("button", { name: "Add", exact: true }));
    await page.getByText("Tags spanish speaker, early bird added.").waitFor();
    const current = page.getByRole("list", { name: "Current tags" });
    await current.getByText("spanish speaker").waitFor();
    expect(await page.getByRole("textbox", { name: "Add tags" }).inputValue()).toBe("");
    expect(await page.getByRole("region", { name: "Member summary" }).textContent()).toContain("early bird");
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-member-tags");
    await submit(page, page.getByRole("button", { name: "Remove tag early bird" }));
    await page.getByText("Tag early bird removed.").waitFor();
    expect(await current.textContent()).not.toContain("early bird");
    expect(await current.textContent()).toContain("spanish speaker");

    // Check in at the desk: check-in points (once a day), no instant reward yet.
    await submit(page, page.getByRole("button", { name: "Check in at the desk" }));
    const checkedIn = page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: "is checked in" });
    await checkedIn.waitFor();
    expect(await page.getByTestId("checkin-points").textContent()).toMatch(/\+\d+ pts for the visit\./);
    expect(await checkedIn.textContent()).toMatch(/No instant rewards unlocked yet/);
    await screenshot(page, "admin-member-checked-in");

    // A big invoice inside the visit's window unlocks "Big visit"; checking in again shows the
    // rewards with their time left (and no second check-in award today).
    const big = csvFile([`PMS-10150,BIG-${Date.now()},${new Date().toISOString()},paid,CLEAN,400.00`]);
    const adminPage = await openPage(browser(), viewports.desktop);
    await signIn(adminPage.page, admin);
    await upload(adminPage.page, big);
    expect((await adminPage.page.locator("dl.summary div", { hasText: "Invoices imported" }).locator("dd").textContent())!.trim()).toBe(
      "1",
    );
    await adminPage.close();

    await submit(page, page.getByRole("button", { name: "Check in at the desk" }));
    await page.getByRole("list", { name: "Unlocked instant rewards" }).waitFor();
    expect(await page.getByTestId("checkin-points").textContent()).toMatch(/No check-in points this time/);
    const rewards = await page.getByRole("list", { name: "Unlocked instant rewards" }).locator("li").allTextContents();
    // Coupons by their catalog names, not their codes.
    expect(rewards.join(" | ")).toMatch(/Free whitening from “Big visit” — 1 d 23 h left/);
    expect(rewards.join(" | ")).toMatch(/\$10 off your next visit from “Big visit”/);
    await screenshot(page, "admin-member-instant-rewards");
    await page.getByRole("link", { name: "Visits" }).click();
    await expect
      .poll(
        async () =>
          (await page.locator("table.data-table tbody tr td:nth-child(2)").allTextContents()).filter(
            (t) => t.trim() === "At the front desk",
          ).length,
      )
      .toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
    await close();
  });

  test("on a phone the member list shows each balance without sideways scrolling", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, team);
    await page.goto("/admin/members");
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const fits = await page.evaluate(() => {
      const wrap = document.querySelector(".table-wrap")!;
      return {
        page: document.documentElement.scrollWidth <= window.innerWidth,
        table: wrap.scrollWidth <= wrap.clientWidth,
        balancesInView: [...document.querySelectorAll("[data-testid=member-balance]")].every((td) => {
          const r = td.getBoundingClientRect();
          return r.width > 0 && r.right <= window.innerWidth;
        }),
      };
    });
    expect(fits).toEqual({ page: true, table: true, balancesInView: true });
    const first = page.locator("[data-testid=member-balance]").first();
    expect(await first.textContent()).toMatch(/^[\d,]+ pts$/);
    await screenshot(page, "admin-members-phone-balances");

    // The profile's actions and a desk check-in fit the phone too.
    await openMember(page, "PMS-10170");
    await submit(page, page.getByRole("button", { name: "Check in at the desk" }));
    await page.getByText("is checked in").waitFor();
    expect(
      await page.evaluate(() => {
        const wrap = document.querySelector(".table-wrap")!;
        return document.documentElement.scrollWidth <= window.innerWidth && wrap.scrollWidth <= wrap.clientWidth;
      }),
    ).toBe(true);
    await screenshot(page, "admin-member-checked-in-phone");
    expect(problems).toEqual([]);
    await close();
  });
});
