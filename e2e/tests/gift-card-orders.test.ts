// Gift-card orders (issue 15 item 7): once the provider has issued the card (the server's job runner
// works the outbox every minute), the claim code it returned is shown to the patient under Your
// orders, to staff in Orders (on a phone too), and emailed to the patient once.
import { join } from "node:path";
import { type ApiClient, createApiClient } from "@tally/api/client";
import { beforeAll, describe, expect, test } from "vitest";
import { baseURL, fitsViewport, openPage, screenshot, submit, useBrowser, viewports } from "../src/harness.ts";
import { screenshotDir } from "../src/paths.ts";

const browser = useBrowser();

type Order = Awaited<ReturnType<ApiClient["redemption"]["orders"]["query"]>>[number];

describe("gift-card orders", () => {
  let staff: ApiClient;
  let order: Order & { giftCard: { claimCode: string; claimUrl: string | null } };

  beforeAll(async () => {
    const session = await createApiClient({ url: baseURL }).auth.signIn.mutate({
      email: "admin@brightsmiles.test",
      password: "demo-admin-2026",
    });
    staff = createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
    // The demo seed redeems two gift cards; the job runner issues them within a minute of start.
    const until = Date.now() + 150_000;
    for (;;) {
      const fulfilled = await staff.redemption.orders.query({ status: "fulfilled", limit: 200 });
      // A seeded patient's card (other tests' patients may have no rewards card to sign in with).
      let card: Order | undefined;
      for (const o of fulfilled.filter((o) => o.rewardKind === "gift_card" && o.giftCard)) {
        const { member } = await staff.members.get.query({ id: o.memberId });
        if (member.cardNumber && member.birthday) {
          card = o;
          break;
        }
      }
      if (card) {
        order = card as typeof order;
        break;
      }
      if (Date.now() > until) throw new Error("no gift card was issued within 150 s");
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }, 180_000);

  test("staff see the claim code in Orders, on a phone", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/admin/sign-in");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill("admin@brightsmiles.test");
    await page.getByLabel("Password").fill("demo-admin-2026");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.goto("/admin/orders?status=fulfilled");
    const row = page.locator("table.data-table tbody tr", { hasText: order.memberName }).filter({ hasText: order.rewardName });
    await row.getByTestId("gift-card-claim").getByText(order.giftCard.claimCode).waitFor();
    const { scroll } = await fitsViewport(page);
    const [, width, inner] = /^(\d+)x\d+ in (\d+)x\d+$/.exec(scroll) ?? [];
    expect(Number(width)).toBeLessThanOrEqual(Number(inner));
    await screenshot(page, "gift-card-orders-admin-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("the patient sees it under Your orders and got it by email, once", async () => {
    const { member } = await staff.members.get.query({ id: order.memberId });
    const mails = (await staff.mailbox.list.query({ limit: 200 })).messages.filter((m) => m.text.includes(order.giftCard.claimCode));
    if (member.email) {
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to: member.email, subject: `Your ${order.rewardName} is ready` });
    } else expect(mails).toHaveLength(0);

    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/portal");
    const form = page.getByRole("region", { name: "Sign in with your rewards card" });
    await form.getByLabel("Rewards card number").fill(member.cardNumber!);
    await form.getByLabel("Date of birth").fill(member.birthday!);
    await submit(page, form.getByRole("button", { name: "Sign in with card" }));
    await page.getByTestId("balance").waitFor();
    await page.goto("/portal/rewards");
    const orders = page.getByRole("region", { name: "Your orders" });
    await orders.getByTestId("gift-card-claim").first().waitFor();
    expect(await orders.getByTestId("gift-card-claim").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(order.giftCard.claimCode)]),
    );
    await screenshot(page, "gift-card-orders-portal-phone");
    await orders.screenshot({ path: join(screenshotDir, "gift-card-orders-portal-your-orders.png") });
    expect(problems).toEqual([]);
    await close();
  });
});
