// Two-step sign-in (issue 21), from a practice made with the CLI: its admin must set up a second
// factor right after choosing a password (admins always need one), then requires it of everyone
// and adds a team member; the team member signs in, is led to the setup, scans nothing but types
// the key into "their app" (otpauth here), signs out and back in with a fresh code. The member
// profile shows the access log of staff reads.
import { spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";
import { repoRoot } from "../src/paths.ts";
import { enrolSecondFactor, nextTotpCode } from "../src/second-factor.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();
const adminEmail = "owner@cedar.test";
const adminPassword = "cedar-owner-2026";
const teamEmail = "front.desk@cedar.test";
const teamPassword = "cedar-desk-2026";

async function signIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/admin/sign-in`);
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
}

async function setOwnPassword(page: Page, temporary: string, password: string) {
  await page.getByRole("heading", { name: "Set your own password" }).waitFor();
  await page.getByLabel("Temporary password").fill(temporary);
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("New password again").fill(password);
  await submit(page, page.getByRole("button", { name: "Save and continue" }));
}

describe("two-step sign-in", () => {
  let server: RunningServer;
  let temporary: string;
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tally-e2e-two-step-"));
    const created = spawnSync(
      process.execPath,
      [
        "scripts/tally.mjs",
        "practice",
        "create",
        "--name",
        "Cedar Dental",
        "--slug",
        "cedar",
        "--timezone",
        "America/Chicago",
        "--admin-email",
        adminEmail,
        "--admin-name",
        "Dr. Ash Cedar",
      ],
      { cwd: repoRoot, env: { ...process.env, DATABASE_URL: "", TALLY_DATA_DIR: dataDir }, encoding: "utf8" },
    );
    expect(created.status, created.stderr).toBe(0);
    temporary = /Temporary password[^:]*: (\S+)/.exec(created.stdout)![1]!;
    server = await startServer({ env: { TALLY_SEED: "never", TALLY_JOBS: "off" }, dataDir, logName: "server-two-step.log" });
  }, 240_000);
  afterAll(async () => server?.stop());

  test("an admin requires it for everyone; a team member is led to set it up and signs back in with a fresh code", async () => {
    const url = server.url;
    const admin = await openPage(browser(), viewports.desktop);
    const { page } = admin;

    // A new practice's admin: own password, then the second factor before anything else.
    await signIn(page, url, adminEmail, temporary);
    await setOwnPassword(page, temporary, adminPassword);
    await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
    await page.goto(`${url}/admin/members`);
    await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor(); // no way around it
    await enrolSecondFactor(page);
    await page.getByRole("heading", { name: "Members", level: 1 }).waitFor();

    // Everyone must use it from now on; a team member joins.
    await page.goto(`${url}/admin/settings?tab=staff`);
    await page.getByRole("radio", { name: /^Everyone/ }).check();
    await submit(page, page.getByRole("button", { name: "Save two-step sign-in" }));
    await page.getByText("Saved: everyone now needs two-step sign-in").waitFor();
    await page.getByLabel("Name").fill("Robin Desk");
    await page.getByLabel("Work email").fill(teamEmail);
    await submit(page, page.getByRole("button", { name: "Add with a temporary password" }));
    const teamTemporary = (await page.getByText("Give front.desk@cedar.test this password").locator("code").textContent())!.trim();
    expect(await page.getByRole("radio", { name: /^Everyone/ }).isChecked()).toBe(true);
    await screenshot(page, "two-step-settings");

    // The team member: password, then straight to the setup.
    const team = await openPage(browser(), viewports.desktop);
    const tp = team.page;
    await signIn(tp, url, teamEmail, teamTemporary);
    await setOwnPassword(tp, teamTemporary, teamPassword);
    await tp.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
    await tp.getByText("Your practice asks everyone in your role").waitFor();
    expect(await unlabelledInputs(tp)).toEqual([]);
    expect(await tp.locator(".qr svg").count()).toBe(1);
    await screenshot(tp, "two-step-enrol");
    const { secret, recoveryCodes } = await enrolSecondFactor(tp);
    expect(recoveryCodes).toHaveLength(10);
    await tp.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

    // Signed out and back in: the password alone is not enough; a fresh code is.
    await submit(tp, tp.getByRole("button", { name: "Sign out" }));
    await signIn(tp, url, teamEmail, teamPassword);
    await tp.getByRole("heading", { name: "Enter your code" }).waitFor();
    await tp.goto(`${url}/admin/members`);
    await tp.getByRole("heading", { name: "Sign in" }).waitFor(); // no session from the password alone
    await signIn(tp, url, teamEmail, teamPassword);
    await tp.getByRole("heading", { name: "Enter your code" }).waitFor();
    await tp.getByLabel("Code").fill("000000" === nextTotpCode(secret) ? "111111" : "000000");
    await submit(tp, tp.getByRole("button", { name: "Sign in" }));
    await tp.getByText("That code is not right").waitFor();
    await screenshot(tp, "two-step-code-wrong");
    await tp.getByLabel("Code").fill(nextTotpCode(secret));
    await submit(tp, tp.getByRole("button", { name: "Sign in" }));
    await tp.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await tp.goto(`${url}/admin/account`);
    await tp.getByText("10 of 10 recovery codes left").waitFor();
    expect([...admin.problems, ...team.problems].filter((p) => !p.startsWith("console"))).toEqual([]);
    await team.close();
    await admin.close();
  });
});
