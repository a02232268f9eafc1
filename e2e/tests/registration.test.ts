// Registration (issue 14): a patient's first sign-in with their rewards card, and an admin converting
// a lead, each register the member once, and the practice's "Welcome" rule awards its points once
// (through the rules, not a hard-coded bonus). The portal and an unpaired kiosk open with the
// install's default practice (Settings → Practice) without a link naming it.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { baseURL, openPage, screenshot, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const stamp = Date.now().toString(36);

async function adminClient(): Promise<ApiClient> {
  const session = await createApiClient({ url: baseURL }).auth.signIn.mutate({
    email: "admin@brightsmiles.test",
    password: "demo-admin-2026",
  });
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

async function balanceText(page: Page) {
  return (await page.getByTestId("balance").textContent())?.replace(/\s+/g, " ").trim();
}

async function signInWithCard(page: Page, card: string, birthday: string) {
  await page.goto("/portal");
  await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
  const form = page.getByRole("region", { name: "Sign in with your rewards card" });
  await form.getByLabel("Rewards card number").fill(card);
  await form.getByLabel("Date of birth").fill(birthday);
  await submit(page, form.getByRole("button", { name: "Sign in with card" }));
  await page.getByTestId("balance").waitFor();
}

describe("registration", () => {
  let staff: ApiClient;
  /** The member's ledger lines from the "Welcome" rule (member.registered). */
  const welcomes = async (memberId: string) =>
    (await staff.ledger.history.query({ memberId, limit: 500 })).filter((e) => e.ruleName === "Welcome");

  beforeAll(async () => {
    staff = await adminClient();
  });

  test("the portal opens with the default practice, without a link naming it", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/portal");
    await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
    expect(await page.title()).toContain("Bright Smiles Orthodontics");
    // Settings → Practice says so.
    const practice = await staff.practice.get.query();
    expect(practice).toMatchObject({ slug: "bright-smiles", isDefault: true });
    expect(problems).toEqual([]);
    await close();
  });

  test("an unpaired kiosk shows the default practice's name", async () => {
    const { page, close } = await openPage(browser(), viewports.tablet);
    await page.goto("/kiosk");
    await page.getByRole("heading", { name: "Set up this kiosk" }).waitFor();
    await page.locator(".top .name").getByText("Bright Smiles Orthodontics").waitFor();
    await screenshot(page, "registration-kiosk-unpaired");
    await close();
  });

  test("a first sign-in with a card registers the patient once: the Welcome rule's points, once", async () => {
    const unregistered = await staff.members.search.query({ registered: false, pageSize: 100 });
    const m = unregistered.items.find((i) => i.cardNumber && i.birthday);
    if (!m) throw new Error("the demo seed has no unregistered member with a card");
    const before = (await staff.ledger.balance.query({ memberId: m.id })).balance;
    expect(await welcomes(m.id)).toHaveLength(0);

    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signInWithCard(page, m.cardNumber!, m.birthday!);
    // Welcome (25, member.registered) and First login (10, member.first_login), from the demo rules.
    expect(await balanceText(page)).toBe(`${(before + 35).toLocaleString("en-US")} pts`);
    await screenshot(page, "registration-card-first-sign-in-phone");
    expect((await staff.members.get.query({ id: m.id })).member.registered).toBe(true);

    // Signing in again (another tab, a double click, a retry) registers nothing more.
    await page.context().clearCookies();
    await signInWithCard(page, m.cardNumber!, m.birthday!);
    expect(await balanceText(page)).toBe(`${(before + 35).toLocaleString("en-US")} pts`);
    expect((await welcomes(m.id)).map((e) => e.points)).toEqual([25]);

    // Without a password there is none to change: the profile offers to set one instead.
    await page.goto("/portal/profile");
    const password = page.getByRole("region", { name: "Password" });
    await password.getByRole("link", { name: "Set a password" }).waitFor();
    expect(await page.getByRole("link", { name: "Change password" }).count()).toBe(0);
    await password.getByRole("link", { name: "Set a password" }).click();
    await page.getByRole("heading", { name: "Set a password", level: 1 }).waitFor();
    expect(await page.getByLabel("Current password").count()).toBe(0);
    await page.getByLabel("New password", { exact: true }).fill("card-holder-2026");
    await page.getByLabel("Type the new password again").fill("card-holder-2026");
    await submit(page, page.getByRole("button", { name: "Save password" }));
    await page.getByText("Your password is saved").waitFor();
    await page.goto("/portal/profile");
    await page.getByRole("region", { name: "Password" }).getByRole("link", { name: "Change password" }).waitFor();
    await screenshot(page, "registration-profile-password-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("converting a lead registers them once; converting again is refused, saying why", async () => {
    const email = `lead.${stamp}@example.com`;
    const patient = await openPage(browser(), viewports.phone, { isMobile: true });
    await patient.page.goto("/portal/register");
    await patient.page.getByLabel("First name").fill("Rowan");
    await patient.page.getByLabel("Last name").fill(`Lead ${stamp}`);
    await patient.page.getByLabel("Email").fill(email);
    await patient.page.getByLabel("Choose a password").fill("rowan-lead-2026");
    await patient.page.getByLabel("Type the password again").fill("rowan-lead-2026");
    await submit(patient.page, patient.page.getByRole("button", { name: "Send my details" }));
    await patient.page.waitForURL(/\/portal\/home/);

    const desk = await openPage(browser(), viewports.desktop);
    await desk.page.goto("/admin/sign-in");
    await desk.page.waitForLoadState("networkidle");
    await desk.page.getByLabel("Email").fill("admin@brightsmiles.test");
    await desk.page.getByLabel("Password").fill("demo-admin-2026");
    await submit(desk.page, desk.page.getByRole("button", { name: "Sign in" }));
    await desk.page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await desk.page.goto(`/admin/members/leads?q=${encodeURIComponent(email)}`);
    await desk.page.waitForLoadState("networkidle");
    const row = desk.page.locator("table.data-table tbody tr", { hasText: email });
    await row.getByRole("button", { name: "Convert" }).click();
    const dialog = desk.page.getByRole("dialog");
    await submit(desk.page, dialog.getByRole("button", { name: "Convert to member" }));
    await desk.page.getByRole("heading", { name: `Rowan Lead ${stamp}`, level: 1 }).waitFor();
    const memberId = desk.page.url().split("/").pop()!;

    expect((await welcomes(memberId)).map((e) => e.points)).toEqual([25]);
    await expect(staff.leads.convert.mutate({ id: memberId })).rejects.toThrow("This lead was already converted.");
    expect((await welcomes(memberId)).map((e) => e.points)).toEqual([25]);

    // The patient signs in again as a member: their first sign-in as one, and no second welcome.
    await patient.page.context().clearCookies();
    await patient.page.goto("/portal");
    const form = patient.page.getByRole("region", { name: "Sign in with email" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill("rowan-lead-2026");
    await submit(patient.page, form.getByRole("button", { name: "Sign in" }));
    await patient.page.getByTestId("balance").waitFor();
    expect(await balanceText(patient.page)).toBe("35 pts");
    expect((await welcomes(memberId)).map((e) => e.points)).toEqual([25]);
    expect([...patient.problems, ...desk.problems]).toEqual([]);
    await patient.close();
    await desk.close();
  });
});
