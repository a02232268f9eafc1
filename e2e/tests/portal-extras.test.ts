// The portal's extras on a phone (390x844): scanning a QR code printed in the office (signed out
// first, so sign-in brings the person back to the scan), changing the password while signed in,
// and the personal check-in code on the profile, typed into a paired kiosk. Setup goes through the
// API as staff of "paws-claws", like portal.test.ts, so Bright Smiles data stays untouched.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { baseURL, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const practice = "paws-claws";
const stamp = Date.now().toString(36);
const posterCode = `POSTER-${stamp}`.toUpperCase();

const rules = `
reward "Waiting room poster" on qr.scanned when qr.code = "${posterCode}" {
  award 30 points
  limit once per member
}
`;

async function staffClient(): Promise<ApiClient> {
  const anonymous = createApiClient({ url: baseURL });
  const session = await anonymous.auth.signIn.mutate({ email: "admin@pawsclaws.test", password: "demo-vet-2026", practice });
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

/** A registered member of paws-claws with a password (invitation accepted through the API). */
async function registeredMember(staff: ApiClient, firstName: string, password: string) {
  const email = `${firstName.toLowerCase()}.${stamp}@example.com`;
  const member = await staff.members.create.mutate({ firstName, lastName: "Quinn", email, birthday: "1990-03-02" });
  const { link } = await staff.members.invite.mutate({ memberId: member.id });
  const token = new URL(link).searchParams.get("token")!;
  await createApiClient({ url: baseURL }).auth.member.acceptInvitation.mutate({ practice, token, password });
  return { id: member.id, email, password, firstName };
}

async function fillSignIn(page: Page, email: string, password: string) {
  const form = page.getByRole("region", { name: "Sign in with email" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await submit(page, form.getByRole("button", { name: "Sign in" }));
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`/portal?practice=${practice}`);
  await fillSignIn(page, email, password);
  await page.waitForURL("**/portal/home");
  await page.waitForLoadState("networkidle");
}

describe("portal extras", () => {
  let staff: ApiClient;
  let poster: { token: string; path: string };
  let switchedOff: { path: string };

  beforeAll(async () => {
    staff = await staffClient();
    await staff.practice.updateSettings.mutate({ status: "on" });
    // Replacing the demo's rules removes some: the server publishes with the preview's confirmation.
    const preview = await staff.rules.publishPreview.mutate({ source: rules });
    await staff.rules.save.mutate({ source: rules, note: "portal extras e2e", publish: true, confirm: preview.confirm.token ?? undefined });
    poster = await staff.engagement.createQrCode.mutate({ code: posterCode, label: "Poster in the waiting room" });
    const off = await staff.engagement.createQrCode.mutate({ code: `OLD-${stamp}`.toUpperCase(), label: "Last year's poster" });
    await staff.engagement.setQrCodeActive.mutate({ id: off.id, active: false });
    switchedOff = off;
  });

  afterAll(async () => {
    // Leave the practice as the seed made it (test mode).
    await staff?.practice.updateSettings.mutate({ status: "test" });
  });

  test("a printed QR code: signed out, sign in, back on the scan with the points; once only; unknown and switched-off codes", async () => {
    const morgan = await registeredMember(staff, "Morgan", "morgan-quinn-2026");
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    // The printed link names the practice, so a phone that never opened this portal signs in to it.
    expect(poster.path).toBe(`/portal/scan/${poster.token}?practice=${practice}`);
    await page.goto(poster.path);
    await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
    expect(new URL(page.url()).searchParams.get("next")).toBe(poster.path);
    await screenshot(page, "portal-scan-signed-out-phone");

    await fillSignIn(page, morgan.email, morgan.password);
    await page.waitForURL(`**${poster.path}`);
    const result = page.getByTestId("scan-result");
    await result.getByRole("heading", { name: "+30 pts" }).waitFor();
    await result.getByText("The points are in your balance.").waitFor();
    await result.getByText(posterCode).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-scan-collected-phone");

    await page.getByRole("link", { name: "See your points" }).click();
    await page.waitForURL("**/portal/home");
    expect((await page.getByTestId("balance").textContent())?.replace(/\s+/g, " ").trim()).toBe("30 pts");
    await page.getByText("+30 pts — QR code on").waitFor();
    await page.getByText("Waiting room poster").waitFor();
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-scan-home-phone");

    // Scanning the same code again awards nothing and says so kindly.
    await page.goto(poster.path);
    await result.getByRole("heading", { name: "You already collected this one" }).waitFor();
    await screenshot(page, "portal-scan-already-phone");
    await page.goto("/portal/home");
    expect((await page.getByTestId("balance").textContent())?.replace(/\s+/g, " ").trim()).toBe("30 pts");

    // An unknown token and a switched-off code.
    await page.goto("/portal/scan/this-code-does-not-exist");
    await result.getByRole("heading", { name: "This code is not active" }).waitFor();
    await page.goto(switchedOff.path);
    await result.getByRole("heading", { name: "This code is not active" }).waitFor();
    await result.getByText("switched it off").waitFor();
    await screenshot(page, "portal-scan-unknown-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("change the password while signed in: current password required, clear errors, then the new one works", async () => {
    const riley = await registeredMember(staff, "Robin", "robin-quinn-2026");
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, riley.email, riley.password);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
    await page.getByRole("region", { name: "Password" }).getByRole("link", { name: "Change password" }).click();
    await page.getByRole("heading", { name: "Change your password" }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);

    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("Enter the password you use now.").waitFor();
    await page.getByText("Choose a new password of at least 10 characters.").waitFor();

    await page.getByLabel("Current password").fill("robin-quinn-2026");
    await page.getByLabel("New password", { exact: true }).fill("robin-new-2026");
    await page.getByLabel("Type the new password again").fill("robin-new-2062");
    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("The two new passwords are different.").waitFor();

    await page.getByLabel("Current password").fill("not-my-password");
    await page.getByLabel("New password", { exact: true }).fill("robin-new-2026");
    await page.getByLabel("Type the new password again").fill("robin-new-2026");
    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("That is not your current password.").waitFor();
    expect(await page.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "portal-password-error-phone");

    await page.getByLabel("Current password").fill("robin-quinn-2026");
    await page.getByLabel("New password", { exact: true }).fill("robin-new-2026");
    await page.getByLabel("Type the new password again").fill("robin-new-2026");
    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("Your password is saved").waitFor();
    await screenshot(page, "portal-password-changed-phone");

    // Still signed in here; the old password no longer works, the new one does.
    await page.getByRole("link", { name: "Back to your profile" }).first().click();
    await page.getByRole("heading", { name: "Your profile" }).waitFor();
    await submit(page, page.getByRole("button", { name: "Sign out" }));
    await page.getByText("You are signed out.").waitFor();
    await fillSignIn(page, riley.email, "robin-quinn-2026");
    await page.getByText("That email and password do not match.").waitFor();
    await fillSignIn(page, riley.email, "robin-new-2026");
    await page.waitForURL("**/portal/home");
    expect(problems).toEqual([]);
    await close();
  });

  test("the personal check-in code on the profile: big enough to scan, written out, and the typed code checks in at the kiosk", async () => {
    const sky = await registeredMember(staff, "Sky", "sky-quinn-2026-pw");
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, sky.email, sky.password);
    await page.getByRole("link", { name: "Show my check-in code" }).click();
    const section = page.getByRole("region", { name: "Your check-in code" });
    await section.waitFor();
    const qr = section.getByRole("img", { name: "QR code for checking in" });
    const box = (await qr.locator("svg").boundingBox())!;
    expect(box.width).toBeGreaterThanOrEqual(240);
    expect(Math.abs(box.width - box.height)).toBeLessThan(2);
    // The typed code is 8 digits (shown as two groups of four), not the QR code's 60 characters.
    const shown = (await page.getByTestId("checkin-code").textContent())!.trim();
    expect(shown).toMatch(/^\d{4}\s\d{4}$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, "portal-checkin-code-phone");
    expect(problems).toEqual([]);
    await close();

    // A kiosk without a camera or scanner offers the check-in code: typed on its keypad.
    const tablet = await openPage(browser(), viewports.tablet, { isMobile: true });
    const { code } = await staff.kiosks.createPairing.mutate({ name: `Extras kiosk ${stamp}` });
    await tablet.page.goto("/kiosk/pair");
    const pad = tablet.page.getByRole("group", { name: /Number keypad/ });
    for (const d of code.replace(/\D/g, "")) await pad.getByRole("button", { name: d, exact: true }).click();
    await submit(tablet.page, tablet.page.getByRole("button", { name: "Pair this kiosk" }));
    await tablet.page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    await tablet.page.getByRole("link", { name: /^Check-in code/ }).click();
    await tablet.page.getByRole("heading", { name: "Type your check-in code" }).waitFor();
    await tablet.page.waitForLoadState("networkidle");
    for (const d of shown.replace(/\D/g, "")) await pad.getByRole("button", { name: d, exact: true }).click();
    await submit(tablet.page, tablet.page.getByRole("button", { name: "Continue" }));
    await tablet.page.getByRole("heading", { level: 1, name: /Sky Q\./ }).waitFor();
    await screenshot(tablet.page, "portal-checkin-code-at-kiosk");
    await tablet.close();
  });
});
