// Keyboard alone (issue 18): the portal's main flows (sign in, redeem a reward, give media consent)
// and the kiosk's check-in are done with Tab, Space and Enter only, and after each form the focus
// lands on its result (the message or the welcome), where a screen reader reads it.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { baseURL, openPage, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const practice = "paws-claws";
const stamp = Date.now().toString(36);
const password = "robin-hale-2026";

async function staffClient(email: string, password: string, practice?: string): Promise<ApiClient> {
  const session = await createApiClient({ url: baseURL }).auth.signIn.mutate({ email, password, practice });
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

/** Presses Tab until the locator's element has the focus (at most `limit` presses). */
async function tabTo(page: Page, target: Locator, limit = 60) {
  const handle = await target.elementHandle();
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await handle!.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** What has the focus now: its role, and its text or accessible name. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { role: el?.getAttribute("role") ?? el?.tagName.toLowerCase() ?? "", text: el?.textContent?.replace(/\s+/g, " ").trim() ?? "" };
  });
}

describe("keyboard alone", () => {
  let staff: ApiClient;
  const email = `robin.${stamp}@example.com`;
  const rewardName = `Toothbrush kit ${stamp}`;

  beforeAll(async () => {
    staff = await staffClient("admin@pawsclaws.test", "demo-vet-2026", practice);
    await staff.practice.updateSettings.mutate({ status: "on" });
    await staff.catalog.createReward.mutate({ kind: "in_house", name: rewardName, pointsPrice: 100, description: "A brush and paste." });
    const member = await staff.members.create.mutate({ firstName: "Robin", lastName: "Hale", email, birthday: "1985-11-02" });
    const { link } = await staff.members.invite.mutate({ memberId: member.id });
    const token = new URL(link).searchParams.get("token")!;
    await createApiClient({ url: baseURL }).auth.member.acceptInvitation.mutate({ practice, token, password });
    await staff.ledger.adjust.mutate({ memberId: member.id, points: 300, note: "keyboard e2e" });
  });

  afterAll(async () => {
    await staff?.practice.updateSettings.mutate({ status: "test" });
  });

  test("portal: sign in, redeem a reward and give media consent with the keyboard only", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto(`/portal?practice=${practice}`);
    await page.waitForLoadState("networkidle");
    const signIn = page.getByRole("region", { name: "Sign in with email" });

    // A wrong password: the error takes the focus.
    await tabTo(page, signIn.getByLabel("Email"));
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    await page.keyboard.type("not-the-password");
    await page.keyboard.press("Enter");
    await signIn.getByRole("alert").waitFor();
    expect(await focused(page)).toMatchObject({ role: "alert" });

    await tabTo(page, signIn.getByLabel("Password"));
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type(password);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/portal/home");
    await page.waitForLoadState("networkidle");

    // Rewards: the navigation link, the reward's Redeem, the dialog's confirm.
    await tabTo(page, page.getByRole("navigation").getByRole("link", { name: "Rewards" }).first());
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Rewards", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    const reward = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: rewardName }) });
    await tabTo(page, reward.getByRole("link", { name: "Redeem" }).or(reward.getByRole("button", { name: "Redeem" })));
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    // Focus moved into the dialog; Tab reaches its confirm button without leaving it.
    await tabTo(page, dialog.getByRole("button", { name: `Yes, redeem ${rewardName}` }), 6);
    await page.keyboard.press("Enter");
    await page
      .getByRole("status")
      .filter({ hasText: `Redeemed: ${rewardName}` })
      .waitFor();
    expect(await focused(page)).toMatchObject({ role: "status", text: expect.stringContaining(`Redeemed: ${rewardName}`) });
    expect(await focused(page)).toMatchObject({ text: expect.stringContaining("you have 200 pts left") });

    // Profile: tick the media consent with Space, save with Enter; the confirmation takes the focus.
    await tabTo(page, page.getByRole("navigation").getByRole("link", { name: "Profile" }).first());
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Profile", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await tabTo(page, page.getByLabel("I give full media consent"));
    await page.keyboard.press("Space");
    expect(await page.getByLabel("I give full media consent").isChecked()).toBe(true);
    await tabTo(page, page.getByRole("button", { name: "Save my consent" }), 3);
    await page.keyboard.press("Enter");
    await page.getByText("Given", { exact: true }).waitFor();
    expect(await focused(page)).toMatchObject({ role: "status" });
    expect(problems).toEqual([]);
    await close();
  });

  test("kiosk: check in with a card number typed on a keyboard", async () => {
    const admin = await staffClient("admin@brightsmiles.test", "demo-admin-2026");
    const { page, problems, close } = await openPage(browser(), viewports.tablet);
    await page.goto("/kiosk/pair");
    await page.getByLabel("Pairing code").waitFor();
    await page.waitForLoadState("networkidle");
    const { code } = await admin.kiosks.createPairing.mutate({ name: "Keyboard tablet" });
    await tabTo(page, page.getByLabel("Pairing code"));
    await page.keyboard.type(code);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");

    const { items } = await admin.members.search.query({ q: "PMS-10014" });
    const member = items[0]!;
    await tabTo(page, page.getByRole("link", { name: /Rewards card/ }));
    await page.keyboard.press("Enter");
    await page.getByLabel("Rewards card number").waitFor();
    await page.waitForLoadState("networkidle");
    // The field has the focus already (the keypad is for touch); if not, Tab reaches it.
    const field = page.getByLabel("Rewards card number");
    if (!(await field.evaluate((el) => el === document.activeElement))) await tabTo(page, field, 30);
    await page.keyboard.type(member.cardNumber!);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: new RegExp(`${member.firstName} ${member.lastName[0]}\\.`) }).waitFor();
    // The welcome (the check-in's result) has the focus.
    expect(await page.evaluate(() => document.activeElement?.querySelector("h1")?.textContent ?? "")).toContain(member.firstName);
    // The countdown back to the start screen is silent until it is nearly up, then said once, politely.
    const announcement = page.getByTestId("idle-announcement");
    expect(await announcement.getAttribute("aria-live")).toBe("polite");
    expect(await announcement.textContent()).toBe("");
    await page.waitForFunction(() => document.querySelector('[data-testid="idle-announcement"]')?.textContent?.includes("in 5 s"), null, {
      timeout: 15_000,
    });
    expect(problems).toEqual([]);
    await close();
  });
});
