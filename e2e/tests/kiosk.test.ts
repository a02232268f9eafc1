// The kiosk on a tablet, unattended: pairing, check-in by card (keypad and scanner), by phone +
// birth date, an instant reward unlocked by an invoice paid during the visit, the front desk after
// repeated failures, and the idle return to the start screen. Setup goes through the real API as
// the demo admin.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import {
  baseURL,
  firstFocusRing,
  fitsViewport,
  openPage,
  screenshot,
  submit,
  unlabelledInputs,
  useBrowser,
  viewports,
  type WatchedPage,
} from "../src/harness.ts";
import { pairThroughScreen, tapDigits } from "../src/kiosk.ts";

const browser = useBrowser();
// A kiosk without a camera or scanner set up offers the typed check-in code instead of the QR screen.
const choices = ["Rewards card", "Check-in code", "Phone number"];

/** An API client with its own cookie jar (the staff session cookie from sign-in). */
function apiClient(): ApiClient {
  const jar = new Map<string, string>();
  return createApiClient({
    url: baseURL,
    headers: (): Record<string, string> => (jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {}),
    fetch: async (input, init) => {
      const res = await fetch(input as string, init as RequestInit);
      for (const c of res.headers.getSetCookie()) {
        const [pair = ""] = c.split(";");
        const [name = "", ...rest] = pair.split("=");
        jar.set(name, rest.join("="));
      }
      return res;
    },
  });
}

// Used only when the practice runs no instant rule of its own (the demo seed has "Big visit").
const rules = `
instant "Kiosk big visit" {
  window 4 hours
  when visit.spend >= $300
  unlock coupon "free-whitening" for 48 hours
}
`;

interface Patient {
  id: string;
  firstName: string;
  lastName: string;
  cardNumber: string;
  phone: string;
  birthday: string;
  externalId: string;
}

let admin: ApiClient;
const patients: Patient[] = [];

/** A demo member by external id (the seed draws card numbers at random: they are credentials). */
async function patient(externalId: string): Promise<Patient> {
  const { items } = await admin.members.search.query({ q: externalId });
  const m = items.find((x) => x.externalId === externalId) as unknown as Patient;
  return {
    id: m.id,
    firstName: m.firstName,
    lastName: m.lastName,
    cardNumber: m.cardNumber,
    phone: m.phone,
    birthday: m.birthday,
    externalId: m.externalId,
  };
}

/** The whole screen fits: the page does not scroll and nothing inside the main area is cut off. */
async function fits(page: Page) {
  const page_ = await fitsViewport(page);
  const main = await page.evaluate(() => {
    const el = document.querySelector("main")!;
    return {
      clipped: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
      size: `${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`,
    };
  });
  return { fits: page_.fits && !main.clipped, scroll: `${page_.scroll}; main ${main.size}` };
}

async function pairingCode(name: string): Promise<string> {
  return (await admin.kiosks.createPairing.mutate({ name })).code;
}

/** A tablet with its own cookies, paired through the pairing screen. */
async function pairedTablet(name: string, viewport: { width: number; height: number } = viewports.tablet): Promise<WatchedPage> {
  const tab = await openPage(browser(), viewport, { isMobile: true });
  await pairThroughScreen(tab.page, await pairingCode(name));
  return tab;
}

function welcomeHeading(page: Page, p: Patient) {
  return page.getByRole("heading", { level: 1, name: new RegExp(`${p.firstName} ${p.lastName[0]}\\.`) });
}

async function checkInByCard(page: Page, p: Patient) {
  await page.goto("/kiosk/check-in/card");
  await page.getByLabel("Rewards card number").waitFor();
  await page.waitForLoadState("networkidle");
  await tapDigits(page, p.cardNumber);
  await submit(page, page.getByRole("button", { name: "Continue" }));
  await welcomeHeading(page, p).waitFor();
}

describe("kiosk", () => {
  let tablet: WatchedPage;

  beforeAll(async () => {
    admin = apiClient();
    await admin.auth.signIn.mutate({ email: "admin@brightsmiles.test", password: "demo-admin-2026" });
    // The demo practice runs an instant reward ("Big visit": $350 spent within 4 hours of checking
    // in unlocks coupons for 48 hours); a practice without one gets ours on top of its rules.
    const active = await admin.rules.version.query({});
    const source = active?.source ?? "";
    if (!/^instant "/m.test(source)) {
      const catalog = await admin.catalog.rewards.query({ includeDisabled: true });
      if (!catalog.some((r) => r.couponCode === "free-whitening")) {
        await admin.catalog.createReward.mutate({
          kind: "coupon",
          name: "Free whitening",
          pointsPrice: 500,
          couponCode: "free-whitening",
          couponValidDays: 2,
        });
      }
      // Replacing the demo's rules removes some: the server publishes with the preview's confirmation.
      const preview = await admin.rules.publishPreview.mutate({ source: `${source}\n${rules}` });
      await admin.rules.save.mutate({
        source: `${source}\n${rules}`,
        note: "kiosk e2e",
        publish: true,
        confirm: preview.confirm.token ?? undefined,
      });
    }
    // Demo members 3 to 6 (PMS-10003 to PMS-10006): nobody else's tests touch them.
    for (const i of [3, 4, 5, 6]) patients.push(await patient(`PMS-${10000 + i}`));
  });

  test("an unpaired kiosk shows only the pairing screen; a code from the admin pairs it and it stays paired", async () => {
    const tab = await openPage(browser(), viewports.tablet, { isMobile: true });
    const { page, context } = tab;
    await page.goto("/kiosk/check-in/card");
    await page.getByRole("heading", { name: "Set up this kiosk" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/kiosk/pair");
    await page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(page)).toEqual([]);
    expect(await fits(page)).toMatchObject({ fits: true });

    // A wrong code says what to do.
    await tapDigits(page, "12345678");
    await submit(page, page.getByRole("button", { name: "Pair this kiosk" }));
    await page.getByText("That pairing code did not work").waitFor();
    await screenshot(page, "kiosk-pair-landscape");

    await page.getByRole("button", { name: "Clear" }).click();
    await tapDigits(page, await pairingCode("Waiting room tablet"));
    expect(await page.getByLabel("Pairing code").inputValue()).toMatch(/^\d{8}$/);
    await submit(page, page.getByRole("button", { name: "Pair this kiosk" }));
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(await page.getByText("Bright Smiles Orthodontics", { exact: true }).isVisible()).toBe(true);

    const cookie = (await context.cookies()).find((c) => c.name === "tally_kiosk");
    expect(cookie).toMatchObject({ httpOnly: true, path: "/kiosk", sameSite: "Strict" });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 300 * 24 * 3600);
    expect(await page.evaluate(() => document.cookie)).not.toContain("tally_kiosk");

    // Still paired after a reload; the pairing screen now sends it to the start screen.
    await page.reload();
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    await page.goto("/kiosk/pair");
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(tab.problems).toEqual([]);
    tablet = tab;
  });

  for (const [name, viewport] of [
    ["landscape", viewports.tablet],
    ["portrait", viewports.tabletPortrait],
  ] as const) {
    test(`start screen on a ${name} tablet: three big choices, no scrolling`, async () => {
      const { page, problems, requests } = tablet;
      await page.setViewportSize(viewport);
      await page.goto("/kiosk");
      await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
      for (const choice of choices) {
        const box = await page.getByRole("link", { name: new RegExp(`^${choice}`) }).boundingBox();
        expect(box!.height, `${choice} height`).toBeGreaterThanOrEqual(64);
        expect(box!.width, `${choice} width`).toBeGreaterThanOrEqual(64);
      }
      for (const language of ["English", "Español"]) {
        expect((await page.getByRole("link", { name: language }).boundingBox())!.height, language).toBeGreaterThanOrEqual(64);
      }
      expect(await fits(page)).toMatchObject({ fits: true });
      await page.waitForLoadState("networkidle");
      await screenshot(page, `kiosk-start-${name}`);
      expect(requests.filter((path) => !path.startsWith("/kiosk"))).toEqual([]);
      expect(problems).toEqual([]);
    });
  }

  test("check-in by rewards card on the keypad: welcome, points now, balance, milestone; gone on refresh and back", async () => {
    const { page, problems } = tablet;
    await page.setViewportSize(viewports.tablet);
    const p = patients[0]!;
    await page.goto("/kiosk");
    await page.getByRole("link", { name: /^Rewards card/ }).click();
    await page.getByRole("heading", { name: "Scan or type your rewards card" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(page)).toEqual([]);
    const keys = await page.getByRole("group", { name: "Number keypad" }).getByRole("button").all();
    expect(keys).toHaveLength(12);
    for (const key of keys) expect((await key.boundingBox())!.height).toBeGreaterThanOrEqual(64);
    expect(await fits(page)).toMatchObject({ fits: true });

    await tapDigits(page, p.cardNumber);
    await screenshot(page, "kiosk-card-landscape");
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST"),
      page.getByRole("button", { name: "Continue" }).click(),
    ]);
    expect(response.headers()["cache-control"]).toBe("no-store");
    await welcomeHeading(page, p).waitFor();
    // The demo's "Check-in" reward: 10 points, once a day.
    expect(await page.getByText(/^\+\d+ pts$/).isVisible()).toBe(true);
    expect(await page.getByRole("progressbar").count()).toBeGreaterThan(0);
    expect(await page.getByText(/: \d+ of \d+ perfect surveys/).count()).toBeGreaterThan(0);
    // No patient data in the URL, ever.
    expect(page.url()).toBe(`${baseURL}/kiosk/welcome?lang=en`);
    expect(await page.getByText(p.lastName).count()).toBe(0);
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-welcome-card-landscape");

    // A refresh finds nothing: the result was a one-time flash.
    const reloaded = await page.reload();
    expect(reloaded?.headers()["cache-control"]).toBe("no-store");
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(await page.getByText(p.firstName).count()).toBe(0);
    // Back does not bring it either.
    await page.goBack();
    await page.waitForLoadState("networkidle");
    expect(await page.getByText(`${p.firstName} ${p.lastName[0]}.`).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  test("a scanner on the start screen (a fast burst of digits and Enter) checks in by card", async () => {
    const { page, problems } = tablet;
    const p = patients[3]!;
    await page.goto("/kiosk");
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    await page.waitForLoadState("networkidle");
    await page.keyboard.type(p.cardNumber, { delay: 0 });
    await page.keyboard.press("Enter");
    await welcomeHeading(page, p).waitFor();
    await page.getByRole("link", { name: "Done" }).click();
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });

  test("check-in by phone and birth date on a portrait tablet, in Spanish", async () => {
    const { page, problems } = tablet;
    await page.setViewportSize(viewports.tabletPortrait);
    const p = patients[1]!;
    await page.goto("/kiosk?lang=es");
    await page.getByRole("link", { name: /^Número de teléfono/ }).click();
    await page.getByRole("heading", { name: "Escriba su número de teléfono" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(page)).toEqual([]);

    // Incomplete entries say what is missing.
    await tapDigits(page, "217555");
    await submit(page, page.getByRole("button", { name: "Continuar" }));
    await page.getByText("Escriba su número de teléfono, 10 dígitos.").waitFor();
    await page.getByText("Escriba su fecha de nacimiento como DD/MM/AAAA.").waitFor();

    await page.getByRole("button", { name: "Limpiar" }).click();
    await tapDigits(page, p.phone);
    // Ten digits move the keypad on to the birth date (Spanish order: day, month, year).
    const [y, m, d] = p.birthday.split("-");
    await tapDigits(page, `${d}${m}${y}`);
    expect(await page.getByLabel(/Fecha de nacimiento/).inputValue()).toBe(`${d}/${m}/${y}`);
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-phone-es-portrait");
    await submit(page, page.getByRole("button", { name: "Continuar" }));
    await page.getByRole("heading", { level: 1, name: new RegExp(`Bienvenido/a, ${p.firstName} ${p.lastName[0]}\\.`) }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("es");
    expect(await page.getByText("Puntos de esta visita").isVisible()).toBe(true);
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-welcome-phone-es-portrait");

    // Switching language keeps the result on screen (the result is not fetched again).
    await page.getByRole("link", { name: "English" }).click();
    await page.getByText("Points this visit").waitFor();
    await welcomeHeading(page, p).waitFor();
    expect(problems).toEqual([]);
    await page.setViewportSize(viewports.tablet);
  });

  test("a wrong birth date is the same answer as an unknown phone", async () => {
    const { page, problems } = tablet;
    const p = patients[1]!;
    await page.goto("/kiosk/check-in/phone");
    await page.waitForLoadState("networkidle");
    await tapDigits(page, p.phone);
    await tapDigits(page, "01011901");
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByText("We could not find you.").waitFor();
    expect(await page.getByRole("alert").first().textContent()).toContain("see the front desk");
    expect(problems).toEqual([]);
  });

  test("an invoice paid during the visit unlocks an instant reward, shown with its time left at the next check-in", async () => {
    const { page, problems } = tablet;
    const p = patients[2]!;
    await checkInByCard(page, p);
    expect(await page.getByText(/1 d 23 h left/).count()).toBe(0);

    // The practice-management system reports a paid invoice while the patient is in the chair.
    const invoiceId = `kiosk-e2e-${Date.now()}`;
    // (Arbitrary events come only from an integration's API key, never from a staff session.)
    const { key } = await admin.apiKeys.create.mutate({ name: `Kiosk e2e ${invoiceId}` });
    const res = await fetch(`${baseURL}/api/v1/invoices`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: p.externalId,
            invoiceId,
            date: new Date().toISOString(),
            status: "paid",
            lines: [
              { code: "EXAM", amount: "150.00" },
              { code: "ADJ", amount: "250.00" },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);

    await checkInByCard(page, p);
    const rewards = page.getByRole("region", { name: "Rewards unlocked" });
    await rewards.getByRole("listitem").filter({ hasText: "Free whitening" }).filter({ hasText: "1 d 23 h left" }).waitFor();
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-welcome-instant-reward-landscape");
    await page.setViewportSize(viewports.tabletPortrait);
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-welcome-instant-reward-portrait");
    await page.setViewportSize(viewports.tablet);
    expect(problems).toEqual([]);
  });

  test("the result screen goes back to the start screen by itself after about 10 seconds", async () => {
    const { page, problems } = tablet;
    const p = patients[0]!;
    await checkInByCard(page, p);
    const countdown = page.getByTestId("idle-countdown");
    expect(await countdown.textContent()).toMatch(/Back to the start screen in (10|9) s/);
    const started = Date.now();
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor({ timeout: 15_000 });
    expect(Date.now() - started).toBeGreaterThan(7_000);
    expect(new URL(page.url()).pathname).toMatch(/^\/kiosk\/?$/);
    await page.goBack();
    await page.waitForLoadState("networkidle");
    expect(await page.getByText(`${p.firstName} ${p.lastName[0]}.`).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  test("a half-typed screen goes back to the start screen, in English, after a minute without a touch", async () => {
    const { page } = tablet;
    const context: BrowserContext = page.context();
    const idlePage = await context.newPage();
    await idlePage.clock.install();
    await idlePage.goto("/kiosk/check-in/card?lang=es");
    await idlePage.waitForLoadState("networkidle");
    await tapDigits(idlePage, "4000");
    await idlePage.clock.runFor(30_000);
    // A touch starts the minute again.
    await idlePage.getByRole("button", { name: "7", exact: true }).click();
    expect(await idlePage.getByTestId("idle-countdown").textContent()).toMatch(/Volverá a la pantalla de inicio en (60|59) s/);
    await idlePage.clock.runFor(45_000);
    expect(await idlePage.getByTestId("idle-countdown").textContent()).toMatch(/en 1[4-6] s/);
    await screenshot(idlePage, "kiosk-card-idle-countdown-es");
    await idlePage.clock.runFor(16_000);
    await idlePage.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(new URL(idlePage.url()).pathname).toMatch(/^\/kiosk\/?$/);
    await idlePage.close();
  });

  test("repeated failed identifications end at the front desk, with a friendly message", async () => {
    const second = await pairedTablet("Hallway tablet");
    const { page, problems } = second;
    await page.goto("/kiosk/check-in/card");
    await page.waitForLoadState("networkidle");
    for (let attempt = 1; attempt <= 4; attempt++) {
      await page.getByRole("button", { name: "Clear" }).click();
      await tapDigits(page, "99999999");
      await submit(page, page.getByRole("button", { name: "Continue" }));
      await page.getByText("We could not find you.").waitFor();
    }
    await screenshot(page, "kiosk-card-not-found");
    await page.getByRole("button", { name: "Clear" }).click();
    await tapDigits(page, "99999999");
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByRole("heading", { name: "Please see the front desk" }).waitFor();
    expect(await page.getByText("For your security").isVisible()).toBe(true);
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-front-desk-lockout");

    // The same card stays locked on this kiosk.
    await page.goto("/kiosk/check-in/card");
    await page.waitForLoadState("networkidle");
    await tapDigits(page, "99999999");
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByRole("heading", { name: "Please see the front desk" }).waitFor();
    expect(problems).toEqual([]);
    await second.close();
  });

  test("QR code screen: only where a camera or scanner is set up; elsewhere the check-in code screen", async () => {
    const { page, problems } = tablet;
    // This tablet has no QR reader set up: the QR screen sends the patient to the check-in code.
    await page.goto("/kiosk/check-in/qr");
    await page.getByRole("heading", { name: "Type your check-in code" }).waitFor();
    const pairing = await admin.kiosks.createPairing.mutate({ name: "Camera tablet" });
    await admin.kiosks.setQrReader.mutate({ deviceId: pairing.deviceId, qrReader: "camera" });
    const camera = await openPage(browser(), viewports.tablet, { isMobile: true });
    await camera.page.goto("/kiosk/pair");
    await camera.page.getByLabel("Pairing code").waitFor();
    await tapDigits(camera.page, pairing.code);
    await submit(camera.page, camera.page.getByRole("button", { name: "Pair this kiosk" }));
    await camera.page.getByRole("link", { name: /^QR code/ }).click();
    await camera.page.getByRole("heading", { name: "Show your QR code" }).waitFor();
    await camera.page.waitForLoadState("networkidle");
    expect(await unlabelledInputs(camera.page)).toEqual([]);
    await camera.page.getByText("This kiosk has no camera it can use").waitFor();
    await camera.page.getByLabel("Or type your 8-digit check-in code").fill("q1.not-a-real-code.xyz");
    await submit(camera.page, camera.page.getByRole("button", { name: "Continue" }));
    await camera.page.getByText("We could not find you.").waitFor();
    expect(await fits(camera.page)).toMatchObject({ fits: true });
    await screenshot(camera.page, "kiosk-qr-landscape");
    const focus = await firstFocusRing(camera.page);
    expect(focus.style).not.toBe("none");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    expect(camera.problems).toEqual([]);
    await camera.close();
    expect(problems).toEqual([]);
  });

  test("after checking in, the patient may take the practice's compliance survey, once", async () => {
    const { page, problems } = tablet;
    await checkInByCard(page, patients[3]!);
    await page.getByRole("link", { name: "Take our 30-second survey" }).click();
    await page.getByRole("heading", { name: "How is your treatment going?" }).waitFor();
    await page.waitForLoadState("networkidle");
    const questions = page.getByRole("group");
    expect(await questions.count()).toBeGreaterThan(0);
    // Sending with a question unanswered says so.
    await submit(page, page.getByRole("button", { name: "Send answers" }));
    await page.getByText("Please answer every question.").first().waitFor();
    for (const q of await questions.all()) await q.getByText("Yes", { exact: true }).click();
    expect(await fits(page)).toMatchObject({ fits: true });
    await screenshot(page, "kiosk-survey-landscape");
    await submit(page, page.getByRole("button", { name: "Send answers" }));
    await page.getByRole("heading", { name: "Thank you!" }).waitFor();
    await screenshot(page, "kiosk-survey-thanks");
    expect(await page.getByText("Perfect score.").isVisible()).toBe(true);
    // One survey per check-in.
    await page.goto("/kiosk/survey");
    await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
    expect(problems).toEqual([]);
  });

  test("an unknown check-in method is a 404", async () => {
    const response = await tablet.page.goto("/kiosk/check-in/fax");
    expect(response?.status()).toBe(404);
    await tablet.close();
  });
});
