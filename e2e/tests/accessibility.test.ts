// Accessibility (issue 18): axe-core runs on every page of the three apps, at desktop and phone sizes
// (the kiosk at its tablet sizes), for the admin signed in as an admin and as a team member, the portal
// signed out and signed in as a patient, and the kiosk unpaired and paired. Any serious or critical
// WCAG 2.x A/AA violation fails the test, listed by page.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { type AxeViolation, axeViolations, baseURL, openPage, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const stamp = Date.now().toString(36);
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };
const team = { email: "team@brightsmiles.test", password: "demo-team-2026" };
const patientPassword = "avery-stone-2026";

type Found = Record<string, AxeViolation[]>;

/** Opens the path, waits for it to settle and records its serious and critical violations. */
async function audit(page: Page, path: string, found: Found, label: string) {
  const response = await page.goto(path);
  expect(response?.status(), `${path} answers`).toBeLessThan(400);
  await page.waitForLoadState("networkidle");
  await auditHere(page, found, `${label} ${path}`);
}

async function auditHere(page: Page, found: Found, label: string) {
  const violations = await axeViolations(page);
  if (violations.length) found[label] = violations;
}

/** The first link on a list page whose address matches, e.g. a member's profile. */
async function firstLink(page: Page, listPath: string, pattern: RegExp): Promise<string | undefined> {
  await page.goto(listPath);
  await page.waitForLoadState("networkidle");
  const hrefs = await page.locator("main a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  return hrefs.find((h) => pattern.test(h));
}

async function staffClient(): Promise<ApiClient> {
  const session = await createApiClient({ url: baseURL }).auth.signIn.mutate(admin);
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

async function signInStaff(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

const adminPages = [
  "/admin",
  "/admin/members",
  "/admin/members/new",
  "/admin/members/import",
  "/admin/members/leads",
  "/admin/members/merge-suggestions",
  "/admin/approvals",
  "/admin/orders",
  "/admin/catalog",
  "/admin/catalog/new",
  "/admin/catalog/coupons",
  "/admin/programs",
  "/admin/programs/eligible-items",
  "/admin/programs/survey",
  "/admin/engagement",
  "/admin/engagement/marketplace",
  "/admin/engagement/qr-codes",
  "/admin/engagement/referrals",
  "/admin/messages",
  "/admin/messages/settings",
  "/admin/reviews",
  "/admin/reports",
  "/admin/rules",
  "/admin/rules/history",
  "/admin/rules/translations",
  "/admin/imports",
  "/admin/settings",
  "/admin/change-password",
];
const teamPages = [
  "/admin",
  "/admin/members",
  "/admin/members/leads",
  "/admin/approvals",
  "/admin/orders",
  "/admin/engagement",
  "/admin/engagement/marketplace",
  "/admin/engagement/referrals",
  "/admin/reviews",
  "/admin/reports",
];
const portalPublicPages = ["/portal", "/portal/forgot-password", "/portal/register"];
const portalPages = [
  "/portal/home",
  "/portal/rewards",
  "/portal/actions",
  "/portal/refer",
  "/portal/review",
  "/portal/notifications",
  "/portal/profile",
  "/portal/profile/password",
];

const sizes = [
  { name: "desktop", viewport: viewports.desktop, isMobile: false },
  { name: "phone", viewport: viewports.phone, isMobile: true },
] as const;

describe("accessibility: no serious or critical axe violations", { timeout: 240_000 }, () => {
  let staff: ApiClient;
  let patientEmail: string;

  beforeAll(async () => {
    staff = await staffClient();
    patientEmail = `avery.${stamp}@example.com`;
    const member = await staff.members.create.mutate({
      firstName: "Avery",
      lastName: "Stone",
      email: patientEmail,
      birthday: "1991-04-09",
    });
    const { link } = await staff.members.invite.mutate({ memberId: member.id });
    const token = new URL(link).searchParams.get("token")!;
    await createApiClient({ url: baseURL }).auth.member.acceptInvitation.mutate({
      practice: "bright-smiles",
      token,
      password: patientPassword,
    });
  });

  for (const size of sizes) {
    test(`admin app as an admin, ${size.name}`, async () => {
      const { page, close } = await openPage(browser(), size.viewport, { isMobile: size.isMobile });
      const found: Found = {};
      await audit(page, "/admin/sign-in", found, size.name);
      await signInStaff(page, admin);
      // The dashboard's live feed is a polite live region: new check-ins are read out as they arrive.
      expect(await page.getByRole("list", { name: "Check-ins and coupons" }).getAttribute("aria-live")).toBe("polite");
      for (const path of adminPages) await audit(page, path, found, size.name);
      for (const [list, pattern] of [
        ["/admin/members", /^\/admin\/members\/[0-9a-f-]{36}$/],
        ["/admin/catalog", /^\/admin\/catalog\/[0-9a-f-]{36}$/],
        ["/admin/engagement/marketplace", /^\/admin\/engagement\/marketplace\/[^/]+$/],
      ] as const) {
        const detail = await firstLink(page, list, pattern);
        if (detail) await audit(page, detail, found, size.name);
      }
      await close();
      expect(found).toEqual({});
    });

    test(`admin app as a team member, ${size.name}`, async () => {
      const { page, close } = await openPage(browser(), size.viewport, { isMobile: size.isMobile });
      const found: Found = {};
      await signInStaff(page, team);
      for (const path of teamPages) await audit(page, path, found, size.name);
      const profile = await firstLink(page, "/admin/members", /^\/admin\/members\/[0-9a-f-]{36}$/);
      expect(profile, "a member's profile is linked from the list").toBeDefined();
      await audit(page, profile!, found, size.name);
      await close();
      expect(found).toEqual({});
    });

    test(`portal signed out and as a patient, ${size.name}`, async () => {
      const { page, close } = await openPage(browser(), size.viewport, { isMobile: size.isMobile });
      const found: Found = {};
      for (const path of portalPublicPages) await audit(page, path, found, size.name);
      await page.goto("/portal");
      const form = page.getByRole("region", { name: "Sign in with email" });
      await form.getByLabel("Email").fill(patientEmail);
      await form.getByLabel("Password").fill(patientPassword);
      await submit(page, form.getByRole("button", { name: "Sign in" }));
      await page.waitForURL("**/portal/home");
      for (const path of portalPages) await audit(page, path, found, size.name);
      await close();
      expect(found).toEqual({});
    });
  }

  for (const [name, viewport] of [
    ["landscape", viewports.tablet],
    ["portrait", viewports.tabletPortrait],
  ] as const) {
    test(`kiosk unpaired and paired, tablet ${name}`, async () => {
      const { page, close } = await openPage(browser(), viewport, { isMobile: true });
      const found: Found = {};
      await audit(page, "/kiosk/pair", found, name);
      const { code } = await staff.kiosks.createPairing.mutate({ name: `Accessibility tablet ${name}` });
      const pad = page.getByRole("group", { name: "Number keypad" });
      for (const d of code) await pad.getByRole("button", { name: d, exact: true }).click();
      await submit(page, page.getByRole("button", { name: "Pair this kiosk" }));
      await page.getByRole("heading", { name: "Check in", level: 1 }).waitFor();
      for (const path of ["/kiosk", "/kiosk?lang=es", "/kiosk/check-in/card", "/kiosk/check-in/phone", "/kiosk/check-in/code"]) {
        await audit(page, path, found, name);
      }
      // A wrong card number shows its message; then a demo member checks in and sees the welcome.
      await page.goto("/kiosk/check-in/card");
      await page.waitForLoadState("networkidle");
      for (const d of "000000") await pad.getByRole("button", { name: d, exact: true }).click();
      await submit(page, page.getByRole("button", { name: "Continue" }));
      await auditHere(page, found, `${name} card number not found`);
      const { items } = await staff.members.search.query({ q: name === "landscape" ? "PMS-10011" : "PMS-10012" });
      const member = items[0]!;
      await page.goto("/kiosk/check-in/card");
      await page.waitForLoadState("networkidle");
      for (const d of member.cardNumber!.replace(/\D/g, "")) await pad.getByRole("button", { name: d, exact: true }).click();
      await submit(page, page.getByRole("button", { name: "Continue" }));
      await page.getByRole("heading", { level: 1, name: new RegExp(member.firstName) }).waitFor();
      await auditHere(page, found, `${name} /kiosk/welcome`);
      await close();
      expect(found).toEqual({});
    });
  }
});
