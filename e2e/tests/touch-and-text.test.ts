// The kiosk and the portal for hands and eyes that need more (issue 18): every control is at least
// 44×44 px (measured from its bounding box); the kiosk with text at 200% (the tablet zoomed to 200%:
// its 1024×768 screen is 512×384 CSS pixels, so all text is twice its size) scrolls instead of
// clipping, with nothing wider than the screen and its buttons still reachable;
// with a high-contrast setting muted text is as dark as body text, and in forced colours (Windows
// high contrast) every button and choice keeps a visible edge.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { baseURL, openPage, screenshot, smallTargets, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const stamp = Date.now().toString(36);
let admin: ApiClient;

async function pair(page: Page, name: string) {
  await page.goto("/kiosk/pair");
  await page.getByLabel("Pairing code").waitFor();
  await page.waitForLoadState("networkidle");
  const { code } = await admin.kiosks.createPairing.mutate({ name });
  const pad = page.getByRole("group", { name: "Number keypad" });
  for (const d of code) await pad.getByRole("button", { name: d, exact: true }).click();
  await submit(page, page.getByRole("button", { name: "Pair this kiosk" }));
  await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
}

/** Text cut off by a box that hides its overflow: should be empty. */
async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>("main *, header *")]
      .filter((el) => {
        const s = getComputedStyle(el);
        const hides = s.overflowX === "hidden" || s.overflowY === "hidden" || s.overflowX === "clip" || s.overflowY === "clip";
        return hides && el.textContent?.trim() && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
      })
      .filter((el) => !el.closest(".visually-hidden"))
      .map(
        (el) => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`,
      ),
  );
}

describe("touch targets, large text and high contrast", () => {
  beforeAll(async () => {
    const session = await createApiClient({ url: baseURL }).auth.signIn.mutate({
      email: "admin@brightsmiles.test",
      password: "demo-admin-2026",
    });
    admin = createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
  });

  test("kiosk: every control at least 44×44 px on each screen", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.tablet, { isMobile: true });
    const small: Record<string, string[]> = {};
    const record = async (label: string) => {
      const found = await smallTargets(page);
      if (found.length) small[label] = found;
    };
    await page.goto("/kiosk/pair");
    await page.waitForLoadState("networkidle");
    await record("/kiosk/pair");
    await pair(page, `Touch tablet ${stamp}`);
    for (const path of ["/kiosk", "/kiosk?lang=es", "/kiosk/check-in/card", "/kiosk/check-in/phone", "/kiosk/check-in/code"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      await record(path);
    }
    expect(small).toEqual({});
    expect(problems).toEqual([]);
    await close();
  });

  test("portal on a phone: every control at least 44×44 px, signed out and signed in", async () => {
    const email = `sasha.${stamp}@example.com`;
    const member = await admin.members.create.mutate({ firstName: "Sasha", lastName: "Park", email, birthday: "1994-08-21" });
    const { link } = await admin.members.invite.mutate({ memberId: member.id });
    const token = new URL(link).searchParams.get("token")!;
    await createApiClient({ url: baseURL }).auth.member.acceptInvitation.mutate({
      practice: "bright-smiles",
      token,
      password: "sasha-park-2026",
    });

    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    const small: Record<string, string[]> = {};
    const visit = async (path: string) => {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      const found = await smallTargets(page);
      if (found.length) small[path] = found;
    };
    for (const path of ["/portal", "/portal/forgot-password", "/portal/register"]) await visit(path);
    await page.goto("/portal");
    const form = page.getByRole("region", { name: "Sign in with email" });
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Password").fill("sasha-park-2026");
    await submit(page, form.getByRole("button", { name: "Sign in" }));
    await page.waitForURL("**/portal/home");
    for (const path of [
      "/portal/home",
      "/portal/rewards",
      "/portal/actions",
      "/portal/refer",
      "/portal/review",
      "/portal/notifications",
      "/portal/profile",
    ]) {
      await visit(path);
    }
    expect(small).toEqual({});
    expect(problems).toEqual([]);
    await close();
  });

  test("kiosk at 200% text size: scrolls instead of clipping, nothing wider than the screen", async () => {
    const zoomed = { width: viewports.tablet.width / 2, height: viewports.tablet.height / 2 };
    const { page, problems, close } = await openPage(browser(), zoomed, { isMobile: true });
    await pair(page, `Large text tablet ${stamp}`);
    for (const path of ["/kiosk", "/kiosk?lang=es", "/kiosk/check-in/card", "/kiosk/check-in/phone"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} fits the width`).toBeLessThanOrEqual(zoomed.width);
      expect(await clippedText(page), `${path} clips no text`).toEqual([]);
    }
    await screenshot(page, "kiosk-phone-number-200-percent-text");
    // The card screen's Continue is reachable (by scrolling) and works.
    await page.goto("/kiosk/check-in/card");
    await page.waitForLoadState("networkidle");
    const { items } = await admin.members.search.query({ q: "PMS-10015" });
    const member = items[0]!;
    const pad = page.getByRole("group", { name: "Number keypad" });
    for (const d of member.cardNumber!.replace(/\D/g, "")) await pad.getByRole("button", { name: d, exact: true }).click();
    await submit(page, page.getByRole("button", { name: "Continue" }));
    await page.getByRole("heading", { level: 1, name: new RegExp(member.firstName) }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(zoomed.width);
    expect(await clippedText(page), "the welcome clips no text").toEqual([]);
    await screenshot(page, "kiosk-welcome-200-percent-text");
    expect(problems).toEqual([]);
    await close();
  });

  test("kiosk with high contrast and forced colours", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.tablet, { isMobile: true });
    await pair(page, `Contrast tablet ${stamp}`);
    await page.emulateMedia({ contrast: "more" });
    await page.goto("/kiosk/check-in/card");
    await page.waitForLoadState("networkidle");
    const colours = await page.evaluate(() => {
      const root = getComputedStyle(document.documentElement);
      return { muted: root.getPropertyValue("--color-text-muted").trim(), text: root.getPropertyValue("--color-text").trim() };
    });
    expect(colours.muted).toBe(colours.text);

    await page.emulateMedia({ contrast: null, forcedColors: "active" });
    for (const path of ["/kiosk", "/kiosk/check-in/card"]) {
      await page.goto(path);
      await page.waitForLoadState("networkidle");
      const edgeless = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("main a[href], main button")]
          .filter((el) => el.getBoundingClientRect().width > 0)
          .filter((el) => {
            const s = getComputedStyle(el);
            return s.borderTopStyle === "none" || Number.parseFloat(s.borderTopWidth) === 0;
          })
          .map((el) => el.textContent?.trim() ?? el.outerHTML.slice(0, 60)),
      );
      expect(edgeless, `${path}: every button and choice keeps an edge in forced colours`).toEqual([]);
    }
    await screenshot(page, "kiosk-card-forced-colours");
    expect(problems).toEqual([]);
    await close();
  });
});
