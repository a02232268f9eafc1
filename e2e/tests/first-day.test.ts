// A practice's first day, from an empty install (issue 14): the operator creates the practice with
// the CLI, the admin signs in with the temporary password and finishes setup, imports 500 patients
// (three bad rows) and the invoices of their practice-management system by PMS id, publishes the
// rules and switches the program on, pairs the front-desk tablet, a patient checks in, the desk
// redeems a reward for a patient and marks the coupon used, two duplicates are merged, and Reports
// shows exactly what happened. The desk steps again at phone size.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";
import { adminSignIn, adminSignInWithCode, enrolSecondFactor, setOwnPassword } from "../src/second-factor.ts";
import { cliPractice, type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();
const email = "owner@lakeside.test";
const password = "lakeside-owner-2026";
const TZ = "America/Chicago";
const today = () => new Date().toLocaleDateString("en-CA", { timeZone: TZ });

/** 500 patients (rows 2 to 501): three bad (rows 60, 200, 400); rows 450 and 451 are one person twice. */
function patientsCsv(): string {
  const lines = ["Chart Number,First Name,Last Name,Email Address,Mobile,Date of Birth,Rewards Card"];
  for (let row = 2; row <= 501; row++) {
    const id = `L-${String(row).padStart(4, "0")}`;
    const card = row <= 20 ? `55500${String(row).padStart(5, "0")}` : "";
    if (row === 60) lines.push(`${id},Bad,Email,not-an-email,,,`);
    else if (row === 200) lines.push(`${id},Bad,Date,,,1990-02-31,`);
    else if (row === 400) lines.push(`${id},,Nameless,,,,`);
    else if (row === 450 || row === 451) lines.push(`${id},Sam,Ortiz,sam${row}@example.com,(312) 555-0450,1984-04-05,`);
    else
      lines.push(
        `${id},Pat${row},Lake${row},pat${row}@example.com,(312) 555-${String(1000 + row)},19${50 + (row % 50)}-0${1 + (row % 9)}-1${row % 10},${card}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/** Invoices for L-0002 to L-0101, $500 each today (50 points each), and one for a chart number nobody has. */
function invoicesCsv(): string {
  const lines = ["member_id,invoice_id,date,status,code,amount"];
  for (let row = 2; row <= 101; row++) lines.push(`L-${String(row).padStart(4, "0")},INV-${row},${today()},paid,ADJ,500.00`);
  lines.push(`L-9999,INV-9999,${today()},paid,ADJ,80.00`);
  return `${lines.join("\n")}\n`;
}

const RULES = `earn "Spend" on invoice.paid {
  rate 1 point per $10
}

reward "Check-in" on visit.checked_in {
  award 10 points
  limit once per day
}
`;

const figure = async (page: Page, label: string) =>
  Number(
    (await page
      .locator(".figure", { has: page.locator(".label", { hasText: label }) })
      .locator(".value")
      .first()
      .textContent())!.replace(/[^\d-]/g, ""),
  );

describe("a practice's first day, from an empty install", () => {
  let server: RunningServer;
  let temporary: string;
  beforeAll(async () => {
    const created = await cliPractice({
      name: "Lakeside Orthodontics",
      slug: "lakeside",
      timezone: TZ,
      adminEmail: email,
      adminName: "Dr. Rae Lake",
    });
    expect(created.stdout).toContain("Created Lakeside Orthodontics (lakeside, America/Chicago)");
    temporary = created.temporary;
    server = await startServer({
      env: { TALLY_SEED: "never", TALLY_JOBS: "off" },
      dataDir: created.dataDir,
      logName: "server-first-day.log",
    });
  }, 240_000);
  afterAll(async () => server?.stop());

  test("setup, patients, invoices, rules, kiosk, desk, merge and a correct report", async () => {
    const url = server.url;
    const { page, problems, close } = await openPage(browser(), viewports.desktop);

    // First sign-in: the temporary password, then one of the admin's own.
    await adminSignIn(page, url, email, temporary);
    await setOwnPassword(page, temporary, password);
    // Admins always sign in in two steps: the setup comes right after the password.
    const { secret } = await enrolSecondFactor(page);
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

    // Practice details.
    await page.goto(`${url}/admin/settings?tab=practice`);
    await page.getByRole("heading", { name: "Practice details" }).waitFor();
    await page.getByLabel("Address").fill("12 Shore Rd\nLakeside, IL 60601");
    await page.getByLabel("Phone").fill("(312) 555-0100");
    await submit(page, page.getByRole("button", { name: "Save practice details" }));
    await page
      .getByText(/^Saved/)
      .first()
      .waitFor();

    // A reward patients can redeem: a coupon.
    await page.goto(`${url}/admin/catalog/new`);
    await page.waitForLoadState("networkidle");
    await page.getByRole("radio", { name: /^Coupon/ }).check();
    await page.getByLabel("Name", { exact: true }).fill("Free cleaning");
    await page.getByLabel("Point price").fill("40");
    await page.getByLabel("Coupon name").fill("free-cleaning");
    await page.getByLabel("Valid for (days, optional)").fill("30");
    await submit(page, page.getByRole("button", { name: "Add to catalog" }));
    await page.goto(`${url}/admin/catalog`);
    await page.getByText("Free cleaning").first().waitFor();

    // The rules, published, and the program switched on.
    await page.goto(`${url}/admin/rules`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Rule set").fill(RULES);
    await page.getByLabel("Note for this version (optional)").fill("Opening day");
    await submit(page, page.getByRole("button", { name: "Save and publish" }));
    const anyway = page.getByRole("button", { name: "Publish anyway" });
    if (await anyway.isVisible().catch(() => false)) await submit(page, anyway);
    await page.goto(`${url}/admin/programs`);
    await page.getByText("Rules version 1 is published").waitFor();
    await page.getByRole("radio", { name: /^On/ }).check();
    await submit(page, page.getByRole("button", { name: "Save status" }));
    const confirm = page.getByLabel("I understand: switch the program On anyway.");
    if (await confirm.isVisible().catch(() => false)) {
      await confirm.check();
      await submit(page, page.getByRole("button", { name: "Save status" }));
    }
    await page.reload();
    await page.getByText("now On").waitFor();
    await screenshot(page, "first-day-program-on");

    // 500 patients, three bad rows.
    const patients = join(tmpdir(), `tally-e2e-first-day-patients-${Date.now()}.csv`);
    writeFileSync(patients, patientsCsv());
    await page.goto(`${url}/admin/members/import`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("CSV file").setInputFiles(patients);
    await submit(page, page.getByRole("button", { name: "Upload and match columns" }));
    await page.getByRole("heading", { name: /^Match the columns/ }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await submit(page, page.getByRole("button", { name: "Check the file (dry run)" }));
    const dry = page.getByTestId("dry-run");
    await dry.waitFor();
    const dd = async (scope: ReturnType<Page["getByTestId"]>, label: string) =>
      (await scope.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd").textContent())?.trim();
    expect(await dd(dry, "New members")).toBe("497");
    expect(await dd(dry, "Rows with errors")).toBe("3");
    expect(await page.getByRole("table", { name: "Rows with errors" }).locator("tbody tr td:first-child").allTextContents()).toEqual([
      "60",
      "200",
      "400",
    ]);
    await submit(page, page.getByRole("button", { name: "Import 497 patients" }));
    const result = page.getByTestId("import-result");
    await result.waitFor({ timeout: 60_000 });
    expect(await dd(result, "New members")).toBe("497");
    await screenshot(page, "first-day-patients-imported");

    // The practice-management system's invoices, found by PMS id; the unknown chart number is reported.
    const invoices = join(tmpdir(), `tally-e2e-first-day-invoices-${Date.now()}.csv`);
    writeFileSync(invoices, invoicesCsv());
    await page.goto(`${url}/admin/imports`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("CSV file").setInputFiles(invoices);
    await page.getByRole("button", { name: "Import" }).click();
    await page.getByRole("heading", { name: /^Result/ }).waitFor({ timeout: 60_000 });
    await page.getByText("unknown member L-9999").first().waitFor();
    await page.getByText("unknown member L-0060").first().waitFor();
    await screenshot(page, "first-day-invoices-imported");

    // The front-desk tablet, paired with a code from Settings.
    await page.goto(`${url}/admin/settings?tab=kiosks`);
    await page.getByLabel("Tablet name").fill("Front desk");
    await submit(page, page.getByRole("button", { name: "Get a pairing code" }));
    const code = (await page.locator("code.secret").first().textContent())!.replace(/\D/g, "");
    expect(code).toMatch(/^\d{8}$/);
    const tablet = await openPage(browser(), viewports.tablet, { isMobile: true });
    const pad = tablet.page.getByRole("group", { name: "Number keypad" });
    await tablet.page.goto(`${url}/kiosk/pair`);
    await tablet.page.getByLabel("Pairing code").waitFor();
    await tablet.page.waitForLoadState("networkidle");
    await screenshot(tablet.page, "first-day-kiosk-pair");
    for (const d of code) await pad.getByRole("button", { name: d, exact: true }).click();
    await submit(tablet.page, tablet.page.getByRole("button", { name: "Pair this kiosk" }));
    await tablet.page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();

    // A patient checks in with the card from the import.
    await tablet.page.goto(`${url}/kiosk/check-in/card`);
    await tablet.page.getByLabel("Rewards card number").waitFor();
    await tablet.page.waitForLoadState("networkidle");
    await screenshot(tablet.page, "first-day-kiosk-card");
    for (const d of "5550000002") await pad.getByRole("button", { name: d, exact: true }).click();
    await submit(tablet.page, tablet.page.getByRole("button", { name: "Continue" }));
    await tablet.page.getByRole("heading", { level: 1, name: /Pat2 L\./ }).waitFor();
    await screenshot(tablet.page, "first-day-kiosk-welcome");
    expect(tablet.problems).toEqual([]);
    await tablet.close();

    // The desk: redeem the coupon for a patient and mark it used.
    await deskRedeemAndUse(page, url, "L-0003");

    // The duplicate, merged from the suggestions.
    await page.goto(`${url}/admin/members/merge-suggestions`);
    await page.waitForLoadState("networkidle");
    const pair = page.getByTestId("merge-suggestion").filter({ hasText: "L-0451" });
    expect(await pair.textContent()).toContain("L-0450");
    await pair
      .getByRole("button", { name: /^Keep Sam Ortiz/ })
      .first()
      .click();
    await submit(page, page.getByRole("button", { name: /^Merge into Sam Ortiz/ }));
    await expect.poll(() => page.getByTestId("merge-suggestion").filter({ hasText: "L-0451" }).count()).toBe(0);
    await page.goto(`${url}/admin/members?q=Ortiz`);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("table.data-table tbody tr").count()).toBe(1);

    // The desk steps again on a phone, for another patient.
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    await adminSignInWithCode(phone.page, url, email, password, secret);
    await deskRedeemAndUse(phone.page, url, "L-0004", "phone");
    expect(phone.problems).toEqual([]);
    await phone.close();

    // The report: 99 invoices at 50 points (L-0060 was a bad row, so its invoice found nobody), one
    // check-in at 10; two coupons at 40 points redeemed.
    await page.goto(`${url}/admin/reports?from=${today()}&to=${today()}`);
    await page.waitForLoadState("networkidle");
    expect(await figure(page, "Points issued")).toBe(99 * 50 + 10);
    expect(await figure(page, "Points redeemed")).toBe(2 * 40);
    expect(await figure(page, "Outstanding at the end")).toBe(99 * 50 + 10 - 2 * 40);
    await screenshot(page, "first-day-report");
    expect(problems).toEqual([]);
    await close();
  }, 180_000);
});

const balanceOf = async (page: Page) => Number((await page.getByTestId("balance").textContent())!.replace(/[^\d-]/g, ""));

/** At the desk: open the patient's profile, redeem "Free cleaning" for them, then mark the coupon used. */
async function deskRedeemAndUse(page: Page, url: string, externalId: string, size = "desktop") {
  await page.goto(`${url}/admin/members?q=${externalId}`);
  await page.waitForLoadState("networkidle");
  const profile = await page
    .locator('a[href*="/admin/members/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").find((h) => /\/members\/[0-9a-f-]{36}$/.test(h)));
  await page.goto(new URL(profile!, url).href);
  await page.getByRole("heading", { level: 1 }).waitFor();
  const before = await balanceOf(page);
  expect(before).toBe(50);
  await page.getByRole("link", { name: "Redeem a reward" }).click();
  await page.getByRole("heading", { name: "Redeem a reward" }).waitFor();
  await screenshot(page, `first-day-desk-redeem-${size}`);
  await submit(page, page.getByRole("button", { name: /^Redeem Free cleaning/ }));
  await page.getByText("Free cleaning redeemed").waitFor();
  expect(await balanceOf(page)).toBe(before - 40);
  await page.getByRole("link", { name: /^Coupons/ }).click();
  const coupon = page.getByTestId("coupon").filter({ hasText: "Free cleaning" });
  await coupon.getByText(/Use by /).waitFor();
  await submit(page, coupon.getByRole("button", { name: "Mark Free cleaning used" }));
  await page.getByText("Free cleaning marked used.").waitFor();
  await coupon.getByText("Used", { exact: true }).waitFor();
  await screenshot(page, `first-day-desk-coupon-used-${size}`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(page.viewportSize()!.width);
}
