// Gift cards that reach the patient (issue 17): the practice uses Tremendous (a local fake of its
// REST v2 API), a patient redeems a gift card in the portal and, once the job runner has issued it,
// sees the claim link under Your orders; the "reward ready" email arrives at a real SMTP server
// with the link, and its one-click unsubscribe (RFC 8058 POST, no session) stops that kind. The
// admin picks a gift card's product from Tremendous's catalog in the reward form.
import { randomBytes } from "node:crypto";
import { type ApiClient, createApiClient } from "@tally/api/client";
import { type LocalSmtp, localSmtp } from "@tally/api/testing/smtp";
import { fakeTremendous } from "@tally/core/fakes";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { screenshot, submit, useBrowser, viewports } from "../src/harness.ts";
import { type RunningServer, startServer } from "../src/server.ts";

const browser = useBrowser();

describe("gift card → claim link in the portal → email with a working unsubscribe", () => {
  let server: RunningServer;
  let smtp: LocalSmtp;
  let tremendous: Awaited<ReturnType<typeof fakeTremendous>>;
  let staff: ApiClient;
  let patientId = "";

  beforeAll(async () => {
    smtp = await localSmtp();
    tremendous = await fakeTremendous({ apiKey: "TEST_e2e" });
    server = await startServer({
      env: { SMTP_URL: smtp.url, TALLY_SECRETS_KEY: randomBytes(32).toString("base64") },
      logName: "server-gift-card-messages.log",
    });
    const session = await createApiClient({ url: server.url }).auth.signIn.mutate({
      email: "admin@brightsmiles.test",
      password: "demo-admin-2026",
    });
    staff = createApiClient({ url: server.url, headers: { cookie: `tally_staff=${session.token}` } });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await tremendous?.close();
    await smtp?.close();
  });

  test("the patient redeems, sees the claim link, gets the email and unsubscribes in one click", async () => {
    // The practice switches to Tremendous (credentials stored encrypted; the fake stands in for its API).
    await staff.messages.updateSettings.mutate({
      giftCard: { provider: "tremendous", credentials: { apiKey: "TEST_e2e", fundingSourceId: "balance", baseUrl: tremendous.url } },
    });
    await staff.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$25 Bookshop card",
      pointsPrice: 100,
      valueCents: 2500,
      providerSku: "OKMHM2X2OHYV",
    });
    const { items } = await staff.members.search.query({ q: "", pageSize: 50 });
    let member: Awaited<ReturnType<ApiClient["members"]["get"]["query"]>>["member"] | undefined;
    for (const item of items) {
      const { member: m } = await staff.members.get.query({ id: item.id });
      if (m.email && m.cardNumber && m.birthday) {
        member = m;
        break;
      }
    }
    if (!member) throw new Error("the demo seed has no member with email, card and birth date");
    await staff.ledger.adjust.mutate({ memberId: member.id, points: 500, note: "gift card e2e" });
    patientId = member.id;

    const context = await browser().newContext({ baseURL: server.url, viewport: viewports.phone, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto("/portal");
    const signIn = page.getByRole("region", { name: "Sign in with your rewards card" });
    await signIn.getByLabel("Rewards card number").fill(member.cardNumber!);
    await signIn.getByLabel("Date of birth").fill(member.birthday!);
    await submit(page, signIn.getByRole("button", { name: "Sign in with card" }));
    await page.getByTestId("balance").waitFor();

    await page.goto("/portal/rewards");
    const card = page.locator("li.reward", { has: page.getByRole("heading", { name: "$25 Bookshop card" }) });
    await card.getByRole("link", { name: "Redeem" }).click();
    await submit(page, page.getByRole("button", { name: "Yes, redeem $25 Bookshop card" }));
    await page.getByText("Redeemed: $25 Bookshop card").waitFor();

    // The job runner issues it within a minute or so: the claim link appears under Your orders.
    const orders = page.getByRole("region", { name: "Your orders" });
    const link = orders.getByTestId("gift-card-claim").getByRole("link", { name: "Claim your card" });
    const until = Date.now() + 150_000;
    while (!(await link.count())) {
      if (Date.now() > until) throw new Error("the gift card was not issued within 150 s");
      await page.waitForTimeout(3_000);
      await page.reload();
    }
    const claimUrl = await link.first().getAttribute("href");
    expect(claimUrl).toMatch(new RegExp(`^${tremendous.url.replace("/api/v2/", "")}/rewards/RW`));
    expect([...tremendous.issued.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await screenshot(page, "gift-card-messages-portal-claim-link");

    // The email: subject, the same claim link, and RFC 8058 headers.
    const mailUntil = Date.now() + 30_000;
    const mine = () =>
      smtp.received.filter((m) => m.to.includes(member!.email!) && /Subject: Your \$25 Bookshop card is ready/.test(m.raw));
    while (mine().length === 0) {
      if (Date.now() > mailUntil) throw new Error("no email arrived at the SMTP server");
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(mine()).toHaveLength(1);
    const raw = mine()[0]!
      .raw.replace(/\r?\n[ \t]+/g, " ")
      .replace(/=\r?\n/g, "")
      .replace(/=3D/g, "=");
    expect(raw).toContain(claimUrl!);
    expect(raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    const unsubscribe = /List-Unsubscribe: <([^>]+)>/.exec(raw)?.[1];
    expect(unsubscribe).toMatch(/\/messages\/unsubscribe\//);

    // The link's page in a browser without a session, then the one-click POST as a mail client sends it.
    const anonymous = await browser().newContext({ viewport: viewports.phone });
    const unsubPage = await anonymous.newPage();
    await unsubPage.goto(unsubscribe!);
    await unsubPage.getByText("Stop receiving Reward ready emails").waitFor();
    await screenshot(unsubPage, "gift-card-messages-unsubscribe");
    const res = await fetch(unsubscribe!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You will no longer receive Reward ready emails");
    const prefs = await staff.messages.preferencesOf.query({ memberId: member.id });
    expect(prefs.find((p) => p.kind === "reward_ready" && p.channel === "email")).toMatchObject({ on: false });
    // Staff see the email as sent on the Messages page.
    const sent = await staff.messages.list.query({ memberId: member.id, kind: "reward_ready" });
    expect(sent.messages.find((m) => m.channel === "email")).toMatchObject({ status: "sent" });

    // The patient sees the choice on their Notifications page.
    await page.goto("/portal/notifications");
    await expect(page.getByRole("group", { name: "Reward ready" }).getByLabel("Email").isChecked()).resolves.toBe(false);
    await screenshot(page, "gift-card-messages-portal-notifications");
    expect(problems).toEqual([]);
    await anonymous.close();
    await context.close();
  }, 240_000);

  test("staff see the email as sent on the Messages page, and the settings say which provider is used", async () => {
    const context = await browser().newContext({ baseURL: server.url, viewport: viewports.desktop });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto("/admin/sign-in");
    await page.getByLabel("Email").fill("admin@brightsmiles.test");
    await page.getByLabel("Password").fill("demo-admin-2026");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Messages", exact: true }).click();
    await page.getByRole("heading", { name: "Messages", level: 1 }).waitFor();
    const row = page
      .getByTestId("messages")
      .locator("tbody tr", { hasText: "Your $25 Bookshop card is ready" })
      .filter({ hasText: "Email" });
    await row.getByText("Sent", { exact: true }).waitFor();
    await row.getByRole("button", { name: /^Resend/ }).waitFor();
    await screenshot(page, "gift-card-messages-admin-messages");
    await page.getByRole("link", { name: "Message settings" }).click();
    await expect(page.getByLabel("Provider").first().inputValue()).resolves.toBe("tremendous");
    await page.getByText("Credentials are stored (encrypted)").waitFor();
    // The API key is never sent back to the page.
    expect(await page.content()).not.toContain("TEST_e2e");
    await screenshot(page, "gift-card-messages-admin-settings");
    // The patient's profile lists what they were sent.
    await page.goto(`/admin/members/${patientId}?tab=messages`);
    const profileRow = page
      .getByTestId("messages")
      .locator("tbody tr", { hasText: "Your $25 Bookshop card is ready" })
      .filter({ hasText: "Email" });
    await profileRow.getByText("Sent", { exact: true }).waitFor();
    await screenshot(page, "gift-card-messages-admin-profile");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("an admin picks the gift card's product from the provider's catalog; a value it does not come in is refused", async () => {
    const context = await browser().newContext({ baseURL: server.url, viewport: viewports.desktop });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto("/admin/sign-in");
    await page.getByLabel("Email").fill("admin@brightsmiles.test");
    await page.getByLabel("Password").fill("demo-admin-2026");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

    // Settings show the provider's address kept with the credentials (the local fake's).
    await page.goto("/admin/messages/settings");
    await expect(page.getByLabel("Provider address").inputValue()).resolves.toBe(tremendous.url);

    await page.goto("/admin/catalog/new?kind=gift_card");
    const picker = page.getByRole("group", { name: "Product" });
    await picker.getByText("From Tremendous's catalog").waitFor();
    // Tremendous's products (GET /products of the fake): brand, currency and the values each comes in.
    const products = picker.getByTestId("gift-card-products");
    await products.getByText("Amazon.com", { exact: true }).waitFor();
    await products.getByText("USD · $5 to $200 ·").waitFor();
    await products.getByText("USD · $25, $50 ·").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("$50 Brand card");
    await page.getByLabel("Point price", { exact: true }).fill("2000");
    await picker.getByRole("radio", { name: /Brand KV934TZ93NQM/ }).check();
    await page.getByLabel("Card value ($)").fill("30");
    await page.getByText("Brand KV934TZ93NQM comes in $25, $50 only: pick one of those.").waitFor();
    await screenshot(page, "gift-card-messages-admin-product-picker");
    // Saved as it is, the server refuses it too.
    await submit(page, page.getByRole("button", { name: "Add to catalog" }));
    await page.getByText("Some fields need your attention").waitFor();
    await page.getByLabel("Card value ($)").fill("50");
    await expect(page.getByText("comes in $25, $50 only").count()).resolves.toBe(0);
    await submit(page, page.getByRole("button", { name: "Add to catalog" }));
    await page.waitForURL(/\/admin\/catalog\?added=/);
    const rewards = await staff.catalog.rewards.query({ includeDisabled: true });
    expect(rewards.find((r) => r.name === "$50 Brand card")).toMatchObject({
      kind: "gift_card",
      providerSku: "KV934TZ93NQM",
      valueCents: 5000,
    });
    expect(problems).toEqual([]);
    await context.close();
  });
});
