// Issue 15, items 6, 8 and 11: referral campaigns in the portal (every running one, readable,
// inviting works) and ended by an admin; the short check-in code shown on the portal and typed on
// the kiosk's keypad (the QR screen only where a camera or scanner is set up); the kiosk's phone
// screen after a wrong birth date, a second check-in the same day, and the start screen returning
// to the practice's language. Kiosk at 1024x768, portal at 390x844. Setup goes through the API as
// the Bright Smiles admin.
import type { ApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  fitsViewport,
  invitedPatient,
  openPage,
  portalSignIn,
  screenshot,
  staffClient,
  submit,
  unlabelledInputs,
  useBrowser,
  viewports,
  type WatchedPage,
} from "../src/harness.ts";
import { pairThroughScreen, tapDigits } from "../src/kiosk.ts";

const browser = useBrowser();
const practice = "bright-smiles";
const stamp = Date.now().toString(36);
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A registered Bright Smiles member with a password (invitation accepted through the API). */
const registeredMember = (staff: ApiClient, firstName: string) =>
  invitedPatient(staff, practice, {
    firstName,
    lastName: "Reyes",
    birthday: "1991-05-06",
    email: `${firstName.toLowerCase()}.${stamp}@example.com`,
    password: `${firstName.toLowerCase()}-pw-2026-${stamp}`,
  });

/** A tablet paired through the pairing screen. */
async function pairedTablet(staff: ApiClient, name: string): Promise<WatchedPage> {
  const pairing = await staff.kiosks.createPairing.mutate({ name });
  const tab = await openPage(browser(), viewports.tablet, { isMobile: true });
  await pairThroughScreen(tab.page, pairing.code);
  return tab;
}

/** The admin app on a desktop, signed in as the Bright Smiles admin. */
async function adminPage(): Promise<WatchedPage> {
  const admin = await openPage(browser(), { width: 1366, height: 900 });
  await admin.page.goto("/admin/sign-in");
  await admin.page.waitForLoadState("networkidle");
  await admin.page.getByLabel("Email").fill("admin@brightsmiles.test");
  await admin.page.getByLabel("Password").fill("demo-admin-2026");
  await submit(admin.page, admin.page.getByRole("button", { name: "Sign in" }));
  await admin.page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  return admin;
}

/** The whole kiosk screen fits: no scrolling, nothing in the main area cut off. */
async function fits(page: Page) {
  const whole = await fitsViewport(page);
  const main = await page.evaluate(() => {
    const el = document.querySelector("main")!;
    return el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1;
  });
  return whole.fits && main;
}

describe("kiosk check-in code, kiosk screens and referrals", () => {
  let staff: ApiClient;

  beforeAll(async () => {
    staff = await staffClient();
  });

  afterAll(async () => {
    await staff?.practice.updateSettings.mutate({ language: "en" });
  });

  test("item 8: the portal shows a short check-in code; a kiosk without a camera takes it on its keypad, once", async () => {
    const pat = await registeredMember(staff, "Paz");
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    await portalSignIn(phone.page, practice, pat.email, pat.password);
    await phone.page.goto("/portal/profile");
    const section = phone.page.getByRole("region", { name: "Your check-in code" });
    await section.waitFor();
    const shown = (await section.getByTestId("checkin-code").textContent())!.trim();
    expect(shown).toMatch(/^\d{4}\s\d{4}$/);
    expect(await section.getByText(/Works once, until \d{1,2}:\d{2}\s?[AP]M\./).isVisible()).toBe(true);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await section.scrollIntoViewIfNeeded();
    await screenshot(phone.page, "issue15-portal-checkin-code-phone");
    expect(phone.problems).toEqual([]);

    // No camera or scanner set up: no QR screen, the check-in code instead.
    const tablet = await pairedTablet(staff, `Code kiosk ${stamp}`);
    const { page } = tablet;
    expect(await page.getByRole("link", { name: /^QR code/ }).count()).toBe(0);
    await page.goto("/kiosk/check-in/qr");
    await page.getByRole("heading", { name: "Type your check-in code" }).waitFor();
    await page.goto("/kiosk");
    await page.getByRole("link", { name: /^Check-in code/ }).click();
    await page.getByRole("heading", { name: "Type your check-in code" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(page)).toEqual([]);
    await tapDigits(page, shown);
    expect(await page.getByLabel("Check-in code (8 digits)").inputValue()).toBe(shown.replace(/\s/, " "));
    expect(await fits(page)).toBe(true);
    await screenshot(page, "issue15-kiosk-check-in-code");
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByRole("heading", { level: 1, name: /Paz R\./ }).waitFor();

    // Used once: the same code again is not found.
    await page.goto("/kiosk/check-in/code");
    await page.waitForLoadState("networkidle");
    await tapDigits(page, shown);
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByText("We could not find you.").waitFor();
    expect(await fits(page)).toBe(true);
    expect(tablet.problems).toEqual([]);
    await tablet.close();

    // A kiosk with a scanner offers the QR screen, and its field also takes a new check-in code.
    await phone.page.reload();
    const fresh = (await phone.page.getByTestId("checkin-code").textContent())!.replace(/\D/g, "");
    await phone.close();
    // The admin says in Settings, Kiosks that this tablet has a scanner.
    const scannerName = `Scanner kiosk ${stamp}`;
    const pairing = await staff.kiosks.createPairing.mutate({ name: scannerName });
    const admin = await adminPage();
    await admin.page.goto("/admin/settings?tab=kiosks");
    await admin.page.waitForLoadState("networkidle");
    await admin.page.getByLabel(`How ${scannerName} reads QR codes`).selectOption("scanner");
    await submit(admin.page, admin.page.getByRole("button", { name: `Save for ${scannerName}` }));
    await admin.page.getByText(`${scannerName} offers the QR code screen`).waitFor();
    await screenshot(admin.page, "issue15-admin-kiosk-qr-reader");
    expect(admin.problems).toEqual([]);
    await admin.close();
    const scanning = await openPage(browser(), viewports.tablet, { isMobile: true });
    await scanning.page.goto("/kiosk/pair");
    await scanning.page.getByRole("group", { name: /Number keypad/ }).waitFor();
    await tapDigits(scanning.page, pairing.code);
    await submit(scanning.page, scanning.page.getByRole("button", { name: "Pair this kiosk" }));
    await scanning.page.getByRole("link", { name: /^QR code/ }).click();
    await scanning.page.getByRole("heading", { name: "Show your QR code" }).waitFor();
    await scanning.page.getByText("Hold the QR code from your rewards app under the scanner.").waitFor();
    await scanning.page.getByLabel("Or type your 8-digit check-in code").fill(fresh);
    await screenshot(scanning.page, "issue15-kiosk-qr-scanner");
    await submit(scanning.page, scanning.page.getByRole("button", { name: "Continue" }));
    await scanning.page.getByRole("heading", { level: 1, name: /Paz R\./ }).waitFor();
    expect(scanning.problems).toEqual([]);
    await scanning.close();
  });

  test("item 11: a wrong birth date keeps Start over on screen; a second visit says already checked in; the start screen returns to the practice's language", async () => {
    const { items } = await staff.members.search.query({ q: "PMS-10021" });
    const p = items.find((m) => m.externalId === "PMS-10021") as unknown as {
      id: string;
      firstName: string;
      lastName: string;
      cardNumber: string;
      phone: string;
    };
    const tablet = await pairedTablet(staff, `Visits kiosk ${stamp}`);
    const { page } = tablet;

    // A wrong birth date: the message shows and Start over stays above the footer.
    await page.goto("/kiosk/check-in/phone");
    await page.waitForLoadState("networkidle");
    await tapDigits(page, p.phone);
    await tapDigits(page, "01021903");
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByText("We could not find you.").waitFor();
    const startOver = (await page.getByRole("link", { name: "Start over" }).boundingBox())!;
    const footer = (await page.locator("footer").boundingBox())!;
    expect(startOver.y + startOver.height).toBeLessThanOrEqual(footer.y);
    expect(await fits(page)).toBe(true);
    await screenshot(page, "issue15-kiosk-phone-wrong-birth-date");

    // Twice by card the same day: the second visit is recorded and says so, without a "+0".
    for (let visit = 1; visit <= 2; visit++) {
      await page.goto("/kiosk/check-in/card");
      await page.waitForLoadState("networkidle");
      await tapDigits(page, p.cardNumber);
      await submit(page, page.getByRole("button", { name: "Continue" }));
      await page.getByRole("heading", { level: 1, name: new RegExp(`${p.firstName} ${p.lastName[0]}\\.`) }).waitFor();
    }
    await page.getByText("You already checked in today.").waitFor();
    expect(await page.getByText("Points this visit").count()).toBe(0);
    expect(await page.getByText("+0").count()).toBe(0);
    expect(await fits(page)).toBe(true);
    await screenshot(page, "issue15-kiosk-already-checked-in");
    const visits = (await staff.members.get.query({ id: p.id })).visits.filter((v) => Date.now() - new Date(v.at).getTime() < 10 * 60_000);
    expect(visits.length).toBeGreaterThanOrEqual(2);
    expect(tablet.problems).toEqual([]);
    await tablet.close();

    // The practice speaks Spanish first (Settings, Practice): English is a choice, and the kiosk returns to Spanish.
    const admin = await adminPage();
    await admin.page.goto("/admin/settings?tab=practice");
    await admin.page.waitForLoadState("networkidle");
    await admin.page.getByLabel("The kiosk starts in").selectOption("es");
    await submit(admin.page, admin.page.getByRole("button", { name: "Save language" }));
    await admin.page.getByText("The kiosk's start screen is in Spanish").waitFor();
    expect(admin.problems).toEqual([]);
    await admin.close();
    try {
      const es = await pairedTablet(staff, `Spanish kiosk ${stamp}`);
      await es.page.goto("/kiosk");
      await es.page.getByRole("heading", { level: 1, name: "Registrar llegada" }).waitFor();
      expect(await es.page.evaluate(() => document.documentElement.lang)).toBe("es");
      // In Spanish too, after a wrong birth date both buttons stay beside the keypad and above the footer.
      await es.page.goto("/kiosk/check-in/phone");
      await es.page.waitForLoadState("networkidle");
      await tapDigits(es.page, p.phone);
      await tapDigits(es.page, "01021903");
      await submit(es.page, es.page.getByRole("button", { name: "Continuar" }));
      await es.page.getByText("No le encontramos.").waitFor();
      const pad = (await es.page.getByRole("group", { name: "Teclado numérico" }).boundingBox())!;
      const esFooter = (await es.page.locator("footer").boundingBox())!;
      for (const name of ["Reiniciar", "Continuar"]) {
        const box = (await es.page.getByRole(name === "Reiniciar" ? "link" : "button", { name }).boundingBox())!;
        expect(box.x + box.width, name).toBeLessThanOrEqual(pad.x);
        expect(box.y + box.height, name).toBeLessThanOrEqual(esFooter.y);
      }
      await screenshot(es.page, "issue15-kiosk-phone-wrong-birth-date-es");
      await es.page.goto("/kiosk");
      await es.page.getByRole("heading", { level: 1, name: "Registrar llegada" }).waitFor();
      await es.page.clock.install();
      await es.page.getByRole("link", { name: "English" }).click();
      await es.page.getByRole("heading", { level: 1, name: "Check in" }).waitFor();
      await es.page.getByTestId("idle-countdown").waitFor();
      await screenshot(es.page, "issue15-kiosk-english-start-countdown");
      await es.page.clock.runFor(61_000);
      await es.page.getByRole("heading", { level: 1, name: "Registrar llegada" }).waitFor();
      expect(new URL(es.page.url()).searchParams.get("lang")).toBeNull();

      // A check-in in English ends on the Spanish start screen.
      await es.page.getByRole("link", { name: "English" }).click();
      await es.page.getByRole("link", { name: /^Rewards card/ }).click();
      await es.page.waitForLoadState("networkidle");
      await tapDigits(es.page, p.cardNumber);
      await submit(es.page, es.page.getByRole("button", { name: "Continue" }));
      await es.page.getByRole("link", { name: "Done" }).click();
      await es.page.getByRole("heading", { level: 1, name: "Registrar llegada" }).waitFor();
      expect(es.problems).toEqual([]);
      await es.close();
    } finally {
      await staff.practice.updateSettings.mutate({ language: "en" });
    }
  });

  test("item 6: the portal lists every running referral campaign, inviting works, and an admin ends one", async () => {
    const season = `winter-${stamp}`;
    await staff.engagement.createReferralCampaign.mutate({
      name: season,
      kind: "seasonal",
      description: "Bring a friend this winter.",
      startsOn: day(-3),
      endsOn: day(30),
    });
    const ref = await registeredMember(staff, "Rio");
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    const { page } = phone;
    await portalSignIn(page, practice, ref.email, ref.password);
    await page.goto("/portal/refer");
    await page.waitForLoadState("networkidle");
    const choices = page.getByRole("group", { name: "Choose a campaign" });
    await choices.waitFor();
    const winterTitle = `Winter ${stamp}`;
    await choices.getByText("Friends", { exact: true }).waitFor();
    await choices.getByText(winterTitle, { exact: true }).waitFor();
    // The seeded back-to-school campaign ended in September: not offered.
    expect(await page.getByText("Back to school").count()).toBe(0);
    expect(await page.getByText(/\d{4}-\d{2}-\d{2}/).count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "issue15-portal-refer-campaigns-phone");

    // Inviting works, for the standard campaign and the seasonal one.
    for (const title of ["Friends", winterTitle]) {
      await choices.getByText(title, { exact: true }).click();
      await page.getByLabel("Friend's name (optional)").fill(`Friend of ${title}`);
      await page.getByLabel("Friend's email (optional)").fill(`friend.${title.length}.${stamp}@example.com`);
      await submit(page, page.getByRole("button", { name: "Get my invitation link" }));
      await page.getByText("Invitation sent").waitFor();
    }
    await page.getByText(`${winterTitle} · Invited`).waitFor();
    await screenshot(page, "issue15-portal-refer-invited-phone");
    expect(phone.problems).toEqual([]);

    // The admin edits the campaign's dates, then ends it: the portal no longer offers it.
    const admin = await adminPage();
    await admin.page.goto("/admin/engagement/referrals");
    await admin.page.waitForLoadState("networkidle");
    const row = admin.page.getByRole("row", { name: new RegExp(winterTitle) });
    await row.getByRole("button", { name: `Edit ${winterTitle}` }).click();
    await admin.page.getByLabel(`${winterTitle}: last day`).fill(day(45));
    await submit(admin.page, admin.page.getByRole("button", { name: "Save campaign" }));
    await admin.page.getByText(`Campaign “${season}” saved.`).waitFor();
    await screenshot(admin.page, "issue15-admin-referrals-edited");
    await row.getByRole("button", { name: `End ${winterTitle}` }).click();
    const dialog = admin.page.getByRole("dialog", { name: `End “${winterTitle}”?` });
    await submit(admin.page, dialog.getByRole("button", { name: "End campaign" }));
    await admin.page.getByText(`Campaign “${season}” ended.`).waitFor();
    await screenshot(admin.page, "issue15-admin-referrals-ended");
    expect(admin.problems).toEqual([]);
    await admin.close();

    await page.reload();
    await page.getByRole("heading", { name: "Refer a friend" }).waitFor();
    expect(await page.getByText(winterTitle, { exact: true }).count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Friends" }).count()).toBe(1);
    await phone.close();
  });
});
