// Two-step sign-in (issue 21), from a practice made with the CLI: its admin must set up a second
// factor right after choosing a password (admins always need one), then requires it of everyone
// and adds a team member; the team member signs in, is led to the setup, scans nothing but types
// the key into "their app" (otpauth here), signs out and back in with a fresh code. The member
// profile shows the access log of staff reads.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";
import { adminSignIn, enrolSecondFactor, nextTotpCode, setOwnPassword } from "../src/second-factor.ts";
import { cliPractice, type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();
const adminEmail = "owner@cedar.test";
const adminPassword = "cedar-owner-2026";
const teamEmail = "front.desk@cedar.test";
const teamPassword = "cedar-desk-2026";

describe("two-step sign-in", () => {
  let server: RunningServer;
  let temporary: string;
  beforeAll(async () => {
    const created = await cliPractice({
      name: "Cedar Dental",
      slug: "cedar",
      timezone: "America/Chicago",
      adminEmail,
      adminName: "Dr. Ash Cedar",
    });
    temporary = created.temporary;
    server = await startServer({
      env: { TALLY_SEED: "never", TALLY_JOBS: "off" },
      dataDir: created.dataDir,
      logName: "server-two-step.log",
    });
  }, 240_000);
  afterAll(async () => server?.stop());

  test("an admin requires it for everyone; a team member is led to set it up and signs back in with a fresh code", async () => {
    const url = server.url;
    const admin = await openPage(browser(), viewports.desktop);
    const { page } = admin;

    // A new practice's admin: own password, then the second factor before anything else.
    await adminSignIn(page, url, adminEmail, temporary);
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
    await adminSignIn(tp, url, teamEmail, teamTemporary);
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
    await adminSignIn(tp, url, teamEmail, teamPassword);
    await tp.getByRole("heading", { name: "Enter your code" }).waitFor();
    await tp.goto(`${url}/admin/members`);
    await tp.getByRole("heading", { name: "Sign in" }).waitFor(); // no session from the password alone
    await adminSignIn(tp, url, teamEmail, teamPassword);
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
