// Tiers and points expiry (SPEC 7) end to end, on a server of its own (its clock and jobs are the
// real ones, and the rules it publishes touch no other suite): an admin publishes a tiered program
// whose points expire 12 months after earning; a patient's first invoice is dated just under 12
// months ago (as a late feed from the practice-management system would send it), so its points
// fall due 80 seconds from now. The patient sees their tier and what the next needs, crosses the
// threshold with a second invoice and sees the tier change, sees the points that expire next with
// their date, and the expiry job (every minute) expires them on time, as an entry of their history.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();
const practice = "paws-claws";
const admin = { email: "admin@pawsclaws.test", password: "demo-vet-2026" };
const stamp = Date.now().toString(36);
const pmsId = `TIER-${stamp}`;
const patientEmail = `robin.${stamp}@example.com`;
const patientPassword = "robin-tiers-2026";

const RULES = `expire points 12 months after earning

tiers by spend over 12 months {
  tier "Friend" from $0
  tier "Gold" from $100 multiplier 2
}

earn "Loyalty points" on invoice.paid {
  rate 1 point per $1
  items all
}
`;

/** Twelve calendar months before `d`, as the engine counts them (same day and time, UTC here). */
const monthsBefore = (d: Date, months: number) => {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
};

describe("tiers and points expiry", () => {
  let server: RunningServer;
  let staff: ApiClient;
  let key: string;
  let inviteLink: string;
  let memberId: string;

  const rest = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } });
  const invoice = async (id: string, at: Date, amount: string) => {
    const r = await rest("/invoices", {
      method: "POST",
      body: JSON.stringify({
        invoices: [{ externalMemberId: pmsId, invoiceId: id, date: at.toISOString(), status: "paid", lines: [{ code: "WELL", amount }] }],
      }),
    });
    const body = await r.text();
    expect(r.status, body).toBeLessThan(300);
    expect(JSON.parse(body).errors, body).toBe(0);
  };

  beforeAll(async () => {
    server = await startServer({ logName: "server-tiers.log" });
    const anonymous = createApiClient({ url: server.url });
    const session = await anonymous.auth.signIn.mutate({ email: admin.email, password: admin.password, practice });
    staff = createApiClient({ url: server.url, headers: { cookie: `tally_staff=${session.token}` } });
    await staff.practice.updateSettings.mutate({ status: "on" });
    key = (await staff.apiKeys.create.mutate({ name: `Tiers ${stamp}`, scopes: ["invoices:write", "members:read"] })).key;
    const member = await staff.members.create.mutate({ firstName: "Robin", lastName: "Hale", email: patientEmail, externalId: pmsId });
    memberId = member.id;
    inviteLink = (await staff.members.invite.mutate({ memberId })).link;
  }, 300_000);
  afterAll(async () => server?.stop());

  async function portalHome(page: Page) {
    await page.goto(`${server.url}/portal/home`);
    await page.waitForLoadState("networkidle");
  }

  test("publish, see the tier, cross the threshold, see expiring points, and the job expires them on time", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);

    // The admin publishes the tiered program with expiry; the preview says what each declaration does.
    await page.goto(`${server.url}/admin/sign-in`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill(admin.password);
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.goto(`${server.url}/admin/rules`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Rule set").fill(RULES);
    await page.getByText("No problems found.").waitFor();
    const preview = page.getByRole("list", { name: "Rules in plain English" });
    await preview.getByText(/Points expire 12 months after they are earned/).waitFor();
    await preview.getByText("Tiers").first().waitFor();
    await screenshot(page, "tiers-admin-rules-preview");
    // Published as the admin (the rules page's confirm flow has its own suite).
    await staff.rules.save.mutate({ source: RULES, note: `Tiers and expiry ${stamp}`, publish: true });
    expect((await staff.rules.version.query({}))?.source).toBe(RULES);

    // A late invoice: dated so that its points fall due 80 seconds from now (the steps before the wait take about 20).
    const now = new Date();
    const dueAt = new Date(now.getTime() + 80_000);
    await invoice(`INV-A-${stamp}`, monthsBefore(dueAt, 12), "60.00");

    // The patient accepts the invitation and sees their tier, what Gold needs, and the points that expire next.
    const patient = await openPage(browser(), viewports.phone, { isMobile: true });
    const link = new URL(inviteLink);
    await patient.page.goto(`${server.url}${link.pathname}${link.search}`);
    await patient.page.getByLabel("Choose a password").fill(patientPassword);
    await patient.page.getByLabel("Type the password again").fill(patientPassword);
    await submit(patient.page, patient.page.getByRole("button", { name: "Register" }));
    await patient.page.waitForURL("**/portal/home?welcome=1");
    await portalHome(patient.page);
    await screenshot(patient.page, "tiers-portal-first-phone");
    const tier = patient.page.getByTestId("standing-tier");
    await tier.waitFor();
    expect(await tier.textContent()).toContain("Friend");
    expect(await patient.page.getByTestId("standing-next").textContent()).toContain("Spend $40.00 more to reach Gold");
    const expiring = patient.page.getByTestId("standing-expiring");
    expect(await expiring.textContent()).toMatch(/60 pts expire on \w{3} \d{1,2}, \d{4}/);
    expect(await patient.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await unlabelledInputs(patient.page)).toEqual([]);
    await screenshot(patient.page, "tiers-portal-friend-phone");

    // Crossing the threshold: the next invoice earns at the old tier, and the patient is Gold from then on.
    await invoice(`INV-B-${stamp}`, new Date(), "50.00");
    await portalHome(patient.page);
    expect(await patient.page.getByTestId("balance").textContent()).toContain("110");
    expect(await tier.textContent()).toContain("Gold");
    expect(await tier.textContent()).toContain("×2 points");
    await screenshot(patient.page, "tiers-portal-gold-phone");

    // The admin's profile of the patient shows the same.
    await page.goto(`${server.url}/admin/members/${memberId}`);
    await page.getByTestId("standing-tier").waitFor();
    expect(await page.getByTestId("standing-tier").textContent()).toContain("Gold");
    expect(await page.getByTestId("standing-expiring").textContent()).toContain("60 pts expire on");
    await screenshot(page, "tiers-admin-profile");

    // The job (every minute) expires the first invoice's points on time: not before they are due, soon after.
    const expiredEntry = async () => (await staff.ledger.history.query({ memberId, limit: 20 })).find((e) => e.kind === "expiry");
    while (Date.now() < dueAt.getTime() - 5_000) {
      expect(await expiredEntry()).toBeUndefined();
      await new Promise((r) => setTimeout(r, 10_000));
    }
    let entry: { points: number; at: string | Date } | undefined;
    const deadline = dueAt.getTime() + 150_000;
    for (;;) {
      entry = await expiredEntry();
      if (entry || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 5_000));
    }
    expect(entry, "the expiry job booked the points").toBeDefined();
    expect(entry!.points).toBe(-60);
    expect(Math.abs(new Date(entry!.at).getTime() - dueAt.getTime())).toBeLessThan(1000);

    await portalHome(patient.page);
    expect(await patient.page.getByTestId("balance").textContent()).toContain("50");
    await patient.page
      .getByText(/60 pts — points expired on/)
      .first()
      .waitFor();
    await screenshot(patient.page, "tiers-portal-expired-phone");

    expect(problems).toEqual([]);
    expect(patient.problems).toEqual([]);
    await patient.close();
    await close();
  }, 480_000);
});
