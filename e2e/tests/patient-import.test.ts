// Patient import in the admin app (issue 14): upload a practice-management export, match its
// columns (guessed from the header, one chosen by hand) with a preview of the first rows, a dry
// run that lists what would happen with row numbers, the import with progress, the suggested merge
// a shared family email makes (kept apart by staff), and the same file again changing nothing.
// Desktop and phone; a team member has no way in.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

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

const run = Date.now().toString(36);
const first = ["Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lia", "Moe", "Nell", "Oto", "Pia", "Quin"];
/** 20 patients: 17 good (two of them a family sharing an email), 3 bad (rows 5, 9 and 14). */
function patientsCsv(): string {
  const lines = ["Chart Number,First Name,Last Name,Email Address,Mobile,Date of Birth,Rewards Card,Patient Groups"];
  let good = 0;
  for (let row = 2; row <= 21; row++) {
    const id = `E2E-${run}-${row}`;
    if (row === 5) lines.push(`${id},Bad,Email,not-an-email,,,,`);
    else if (row === 9) lines.push(`${id},Bad,Date,,,1990-02-31,,`);
    else if (row === 14) lines.push(`${id},,Nameless,,,,,`);
    else {
      const name = first[good]!;
      const email = row === 7 || row === 8 ? `rivera.family.${run}@example.com` : `${name.toLowerCase()}.${run}@example.com`;
      lines.push(
        `${id},${name},Rivera${row},${email},(312) 555-${String(1000 + row)},0${1 + (row % 9)}/1${row % 10}/19${70 + row},,"braces; e2e"`,
      );
      good++;
    }
  }
  return `${lines.join("\n")}\n`;
}

async function uploadAndMap(page: Page, file: string) {
  await page.goto("/admin/members/import");
  await page.getByRole("heading", { name: "Import patients", level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("CSV file").setInputFiles(file);
  await submit(page, page.getByRole("button", { name: "Upload and match columns" }));
  await page.getByRole("heading", { name: /^Match the columns/ }).waitFor();
  await page.waitForLoadState("networkidle");
}

describe("patient import", () => {
  const file = join(tmpdir(), `tally-e2e-patients-${run}.csv`);
  writeFileSync(file, patientsCsv());

  test("upload, match columns, dry run, import with three bad rows, review the suggested merge, re-import changes nothing", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page, admin);
    await page.getByRole("link", { name: "Import patients" }).click();
    await page.getByRole("heading", { name: "Import patients", level: 1 }).waitFor();
    await screenshot(page, "admin-patient-import-upload");
    await uploadAndMap(page, file);

    // Guessed from the header; "Patient Groups" is chosen by hand.
    expect(await page.getByLabel("PMS id").inputValue()).toBe("Chart Number");
    expect(await page.getByLabel("Phone (optional)").inputValue()).toBe("Mobile");
    expect(await page.getByLabel("Birth date (optional)").inputValue()).toBe("Date of Birth");
    expect(await page.getByLabel("Tags (optional)").inputValue()).toBe("");
    await page.getByLabel("Tags (optional)").selectOption("Patient Groups");
    const preview = page.getByRole("table", { name: "Preview of the first rows" });
    expect(await preview.locator("tbody tr").count()).toBe(5);
    expect((await preview.locator("tbody tr").first().locator("td").first().textContent())?.trim()).toBe("2");
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-patient-import-mapping");

    await submit(page, page.getByRole("button", { name: "Check the file (dry run)" }));
    const dry = page.getByTestId("dry-run");
    await dry.waitFor();
    const figure = async (scope: ReturnType<Page["getByTestId"]>, label: string) =>
      (await scope.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd").textContent())?.trim();
    expect(await figure(dry, "New members")).toBe("17");
    expect(await figure(dry, "Rows with errors")).toBe("3");
    expect(await figure(dry, "Suggested merges")).toBe("1");
    const errors = page.getByRole("table", { name: "Rows with errors" });
    expect(await errors.locator("tbody tr td:first-child").allTextContents()).toEqual(["5", "9", "14"]);
    expect(await errors.locator("tbody tr").nth(1).textContent()).toContain("1990-02-31");
    await screenshot(page, "admin-patient-import-dry-run");

    await submit(page, page.getByRole("button", { name: "Import 17 patients" }));
    const result = page.getByTestId("import-result");
    await result.waitFor({ timeout: 30_000 });
    expect(await figure(result, "New members")).toBe("17");
    expect(await figure(result, "Rows with errors")).toBe("3");
    await screenshot(page, "admin-patient-import-result");

    // The imported patients are members; tags came from the column chosen by hand.
    await page.goto(`/admin/members?q=E2E-${run}-2`);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("table.data-table tbody tr").first().textContent()).toContain("Ada");

    // The family sharing an email: suggested, never merged; staff keep both.
    await page.goto("/admin/members/merge-suggestions");
    await page.getByRole("heading", { name: "Suggested merges", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const pair = page.getByTestId("merge-suggestion").filter({ hasText: `E2E-${run}-8` });
    expect(await pair.count()).toBe(1);
    expect(await pair.textContent()).toContain(`E2E-${run}-7`);
    await screenshot(page, "admin-merge-suggestions");
    // The same list on a phone: both records and the three choices stay on screen.
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(phone.page, admin);
    await phone.page.goto("/admin/members/merge-suggestions");
    await phone.page.waitForLoadState("networkidle");
    expect(await phone.page.getByTestId("merge-suggestion").count()).toBeGreaterThan(0);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewports.phone.width);
    await screenshot(phone.page, "admin-merge-suggestions-phone");
    expect(phone.problems).toEqual([]);
    await phone.close();
    await submit(page, pair.getByRole("button", { name: "Two different people — keep both" }));
    await page.getByText("Kept as two people").waitFor();
    expect(
      await page
        .getByTestId("merge-suggestion")
        .filter({ hasText: `E2E-${run}-8` })
        .count(),
    ).toBe(0);

    // Exactly once: the same file again creates, updates and suggests nothing.
    await uploadAndMap(page, file);
    await page.getByLabel("Tags (optional)").selectOption("Patient Groups");
    await submit(page, page.getByRole("button", { name: "Check the file (dry run)" }));
    await dry.waitFor();
    expect(await figure(dry, "New members")).toBe("0");
    expect(await figure(dry, "Updated")).toBe("0");
    expect(await figure(dry, "Already up to date")).toBe("17");
    expect(await figure(dry, "Suggested merges")).toBe("0");
    expect(await page.getByRole("button", { name: "Import 0 patients" }).isDisabled()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  });

  test("on a phone the steps stay on screen; a team member has no way in", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, admin);
    await uploadAndMap(page, file);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(viewports.phone.width);
    await screenshot(page, "admin-patient-import-mapping-phone");
    await submit(page, page.getByRole("button", { name: "Check the file (dry run)" }));
    await page.getByTestId("dry-run").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewports.phone.width);
    await screenshot(page, "admin-patient-import-dry-run-phone");
    expect(problems).toEqual([]);
    await close();

    const teamPage = await openPage(browser(), viewports.desktop);
    await signIn(teamPage.page, team);
    expect(await teamPage.page.getByRole("link", { name: "Import patients" }).count()).toBe(0);
    const response = await teamPage.page.goto("/admin/members/import");
    expect(response?.status()).toBe(403);
    await screenshot(teamPage.page, "admin-patient-import-team-403");
    await teamPage.close();
  });
});
