// The patient portal on a phone (390x844), end to end against the running product. Setup goes
// through the API as staff of the second demo practice ("paws-claws"), so its rules, catalog and
// program status changes never touch the Bright Smiles data the other suites rely on.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { baseURL, firstFocusRing, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const practice = "paws-claws";
const stamp = Date.now().toString(36);

const rules = `
reward "Welcome aboard" on member.registered {
  award 100 points
  limit once per member
}
reward "First portal login" on member.first_login {
  award 25 points
  limit once per member
}
reward "Shared our adoption post" manual {
  award 150 points
  prompt "Share our adoption day post and paste the link here"
  confirmation "Thanks for spreading the word! We will check it and add your points."
  limit once per member
}
reward "Media consent" on consent.given when consent.kind = "media" and consent.full {
  award 40 points
  limit once per member
}
`;

async function staffClient(): Promise<ApiClient> {
  const anonymous = createApiClient({ url: baseURL });
  const session = await anonymous.auth.signIn.mutate({ email: "admin@pawsclaws.test", password: "demo-vet-2026", practice });
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

async function balanceText(page: Page) {
  return (await page.getByTestId("balance").textContent())?.replace(/\s+/g, " ").trim();
}

describe("portal", () => {
  let staff: ApiClient;
  let inviteLink: string;
  const email = `casey.${stamp}@example.com`;

  beforeAll(async () => {
    staff = await staffClient();
    await staff.practice.updateSettings.mutate({
      status: "on",
      programDescription: "Earn points for every visit with your pet, and trade them for treats, grooming and gift cards.",
    });
    // Replacing the demo's rules removes some: the server publishes with the preview's confirmation.
    const preview = await staff.rules.publishPreview.mutate({ source: rules });
    await staff.rules.save.mutate({ source: rules, note: "portal e2e", publish: true, confirm: preview.confirm.token ?? undefined });
    await staff.catalog.createReward.mutate({
      kind: "coupon",
      name: `Free nail trim ${stamp}`,
      pointsPrice: 200,
      couponCode: `nail-trim-${stamp}`,
      couponValidDays: 3,
      description: "One nail trim at your next visit.",
    });
    await staff.catalog.createReward.mutate({
      kind: "in_house",
      name: `Treat bag ${stamp}`,
      pointsPrice: 1000,
      description: "A bag of healthy treats.",
    });
    const member = await staff.members.create.mutate({
      firstName: "Casey",
      lastName: "Rivera",
      email,
      birthday: "1988-06-14",
      cardNumber: `77${Date.now().toString().slice(-8)}`,
    });
    const invitation = await staff.members.invite.mutate({ memberId: member.id });
    inviteLink = invitation.link;
  });

  async function signIn(page: Page) {
    await page.goto(`/portal?practice=${practice}`);
    const emailForm = page.getByRole("region", { name: "Sign in with email" });
    await emailForm.getByLabel("Email").fill(email);
    await emailForm.getByLabel("Password").fill("casey-rivera-2026");
    await submit(page, emailForm.getByRole("button", { name: "Sign in" }));
    await page.waitForURL("**/portal/home");
    await page.waitForLoadState("networkidle");
  }

  afterAll(async () => {
    // Leave the practice as the seed made it (test mode).
    await staff?.practice.updateSettings.mutate({ status: "test" });
  });

  test("welcome page on a phone: both ways to sign in and ways to register", async () => {
    const { page, problems, requests, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto("/portal");
    await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
    const email = page.getByRole("region", { name: "Sign in with email" });
    expect(await email.getByLabel("Email").isVisible()).toBe(true);
    expect(await email.getByLabel("Password").isVisible()).toBe(true);
    const card = page.getByRole("region", { name: "Sign in with your rewards card" });
    expect(await card.getByLabel("Rewards card number").isVisible()).toBe(true);
    expect(await card.getByLabel("Date of birth").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "portal-welcome-phone");

    await card.getByLabel("Rewards card number").fill("12");
    await submit(page, card.getByRole("button", { name: "Sign in with card" }));
    await card.getByText("A card number has 6 to 20 digits.").waitFor();
    await card.getByLabel("Rewards card number").fill("4000 1234 5678");
    await card.getByLabel("Date of birth").fill("2012-05-14");
    await submit(page, card.getByRole("button", { name: "Sign in with card" }));
    await card
      .getByRole("alert")
      .getByText(/could not find a card/)
      .waitFor();

    await page.getByRole("link", { name: "Register with your invitation" }).click();
    await page.getByRole("heading", { name: "Register with your invitation" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/portal/register");
    expect(requests.filter((path) => !path.startsWith("/portal"))).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("accept an invitation, see the balance, complete an action staff approve, redeem, see the coupon countdown", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    const link = new URL(inviteLink);
    expect(link.pathname).toBe("/portal/invite");
    await page.goto(link.pathname + link.search);
    await page.getByRole("heading", { name: "Accept your invitation" }).waitFor();
    expect(await page.getByText("Paws & Claws Veterinary").first().isVisible()).toBe(true);
    await page.getByLabel("Choose a password").fill("short");
    await submit(page, page.getByRole("button", { name: "Register" }));
    await page.getByText("Choose a password of at least 10 characters.").waitFor();
    await screenshot(page, "portal-invite-phone");
    await page.getByLabel("Choose a password").fill("casey-rivera-2026");
    await page.getByLabel("Type the password again").fill("casey-rivera-2026");
    await submit(page, page.getByRole("button", { name: "Register" }));
    await page.waitForURL("**/portal/home?welcome=1");

    // Welcome (registration) + first login, both awarded by the rules through the API.
    await page.getByText("Welcome, Casey!").waitFor();
    expect(await balanceText(page)).toBe("125 pts");
    await page.getByText("+25 pts — first sign-in on").waitFor();
    await page.getByText("+100 pts — joining on").waitFor();
    // The ring aims at the cheapest reward the balance does not cover yet.
    const ring = page.getByRole("progressbar", { name: /^Progress to / });
    expect(Number(await ring.getAttribute("aria-valuenow"))).toBeGreaterThan(0);
    expect(Number(await ring.getAttribute("aria-valuenow"))).toBeLessThan(100);
    expect(await page.getByText("Earn points for every visit with your pet").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-home-phone");

    // A manual action: the prompt, a response, Complete; then pending with the confirmation.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Earn" }).click();
    const action = page.getByRole("region", { name: "Shared our adoption post" });
    await action.getByText("Share our adoption day post and paste the link here").waitFor();
    await submit(page, action.getByRole("button", { name: "Complete" }));
    await action.getByText("Write your answer first").waitFor();
    await action.getByLabel("Your answer").fill("https://instagram.com/p/casey-adoption");
    await submit(page, action.getByRole("button", { name: "Complete" }));
    await action.getByText("Thanks for spreading the word!").waitFor();
    await action.getByText("Waiting for the practice").waitFor();
    expect(await action.getByRole("button", { name: "Complete" }).count()).toBe(0);
    await screenshot(page, "portal-action-pending-phone");

    // Staff approve it through the API.
    const pending = await staff.approvals.list.query({ status: "pending" });
    const request = pending.find((r) => r.rule === "Shared our adoption post" && r.response.includes("casey-adoption"));
    expect(request).toBeDefined();
    await staff.approvals.decide.mutate({ requestId: request!.id, decision: "approve" });

    await page.reload();
    await action.getByText("Approved").waitFor();
    await action.getByText("150 pts added to your balance").waitFor();
    await screenshot(page, "portal-action-approved-phone");

    // Redeem a coupon reward: asks once in a dialog.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rewards" }).click();
    await page.getByText("You have 275 pts").waitFor();
    const treat = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `Treat bag ${stamp}` }) });
    await treat.getByText("You need 725 more points").waitFor();
    const trim = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `Free nail trim ${stamp}` }) });
    await page.waitForLoadState("networkidle");
    await trim.getByRole("link", { name: "Redeem" }).click();
    const dialog = page.getByRole("dialog", { name: `Redeem Free nail trim ${stamp}?` });
    await dialog.waitFor();
    await dialog.getByText("leaving 75 pts").waitFor();
    await screenshot(page, "portal-redeem-dialog-phone");
    await submit(page, dialog.getByRole("button", { name: /Yes, redeem/ }));
    await page.getByText(`Redeemed: Free nail trim ${stamp}`).waitFor();
    await page.getByText("you have 75 pts left").waitFor();
    const orders = page.getByRole("region", { name: "Your orders" });
    await orders.getByText(`Free nail trim ${stamp}`).waitFor();
    await orders.getByText("Ready").waitFor();
    await screenshot(page, "portal-rewards-phone");

    // The coupon on the home page, with its countdown (3 days minus the seconds since).
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    const coupons = page.getByRole("region", { name: "Your coupons" });
    await coupons.getByText(`Free nail trim ${stamp}`).waitFor();
    expect(await coupons.locator("time").first().textContent()).toMatch(/^in 2 d 23 h$/);
    expect(await balanceText(page)).toBe("75 pts");
    await page.getByText("-200 pts — reward redeemed on").waitFor();
    await page.getByText("+150 pts — completed action on").waitFor();
    await screenshot(page, "portal-home-coupon-phone");

    // Media consent from the profile awards its points through the event pipeline.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
    const consent = page.getByRole("region", { name: "Photo and media consent" });
    await consent.getByLabel("I give full media consent").check();
    await submit(page, consent.getByRole("button", { name: "Save my consent" }));
    await consent.getByText("40 points were added").waitFor();
    await screenshot(page, "portal-profile-phone");
    expect(await unlabelledInputs(page)).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("refer a friend, take part in a contest and leave a review", async () => {
    await staff.engagement.createReferralCampaign.mutate({
      name: `Bring a friend ${stamp}`,
      description: "Both of you get points when your friend's pet has a first visit.",
    });
    await staff.engagement.saveActivity.mutate({
      kind: "contest",
      title: `Cutest pet photo ${stamp}`,
      description: "Send us your pet's best photo.",
    });
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Refer" }).click();
    await page.getByRole("region", { name: `Bring a friend ${stamp}` }).waitFor();
    await page.getByLabel("Friend's name (optional)").fill("Sam");
    await page.getByLabel("Friend's email (optional)").fill(`sam.${stamp}@example.com`);
    await submit(page, page.getByRole("button", { name: "Get my invitation link" }));
    await page.getByText("Invitation sent").waitFor();
    expect(await page.getByRole("link", { name: /\/portal\/join\// }).count()).toBe(1);
    const referrals = page.getByRole("region", { name: "Your referrals" });
    await referrals.getByText("Sam").waitFor();
    await referrals.getByText("Invited", { exact: true }).waitFor();
    await screenshot(page, "portal-refer-phone");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Earn" }).click();
    const contest = page.getByRole("region", { name: `Cutest pet photo ${stamp}` });
    await contest.getByLabel("Your entry").fill("Biscuit in a sunflower hat");
    await submit(page, contest.getByRole("button", { name: "Take part" }));
    await contest.getByText("Thanks for taking part!").waitFor();
    await contest.getByText("You took part on").waitFor();

    await page.getByRole("link", { name: "Write a review" }).click();
    await page.getByRole("heading", { name: "Leave a review" }).waitFor();
    await page.getByLabel("5 stars").check();
    await page.getByLabel("Your review (optional)").fill("Gentle with Biscuit, and the nail trim coupon was a treat.");
    await submit(page, page.getByRole("button", { name: "Send review" }));
    await page.getByText("Review sent").waitFor();
    await screenshot(page, "portal-review-phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("test mode hides the balance and refuses redemption", async () => {
    await staff.practice.updateSettings.mutate({ status: "test" });
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page);
    await page.getByText("Our rewards program is getting ready.").waitFor();
    expect(await page.getByTestId("balance").count()).toBe(0);
    await page.getByTestId("balance-hidden").waitFor();
    expect(await page.getByText(/\d+ pts/).count()).toBe(0);
    await screenshot(page, "portal-test-mode-home-phone");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Rewards" }).click();
    await page.getByText("Redeeming opens soon").waitFor();
    expect(await page.getByRole("link", { name: "Redeem" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /redeem/i }).count()).toBe(0);
    await screenshot(page, "portal-test-mode-rewards-phone");

    // Posting the redeem action anyway (as a crafted request would) is refused by the API.
    const rewards = await staff.catalog.rewards.query();
    const trim = rewards.find((r) => r.name === `Free nail trim ${stamp}`)!;
    const answer = await page.evaluate(async (rewardId) => {
      const body = new FormData();
      body.set("rewardId", rewardId);
      const response = await fetch("/portal/rewards?/redeem", { method: "POST", body, headers: { "x-sveltekit-action": "true" } });
      return response.text();
    }, trim.id);
    expect(answer).toContain("Redeeming is not open yet");
    expect(problems).toEqual([]);
    await close();
  });

  test("forgot password: the emailed link sets a new password", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto(`/portal?practice=${practice}`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Forgot your password?" }).waitFor();
    await page.getByLabel("Email").fill(email);
    await submit(page, page.getByRole("button", { name: "Send me a link" }));
    await page.getByText("Check your email").waitFor();
    const { messages } = await staff.mailbox.list.query({ limit: 20 });
    const mail = messages.find((m) => m.to === email && m.subject.includes("Reset your"));
    expect(mail).toBeDefined();
    const link = new URL(/https?:\/\/\S+reset-password\S+/.exec(mail!.text)![0]);
    await page.goto(link.pathname + link.search);
    await page.getByLabel("New password").fill("casey-new-pass-2026");
    await page.getByLabel("Type it again").fill("casey-new-pass-2026");
    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("Your new password is set.").waitFor();
    const emailForm = page.getByRole("region", { name: "Sign in with email" });
    await emailForm.getByLabel("Email").fill(email);
    await emailForm.getByLabel("Password").fill("casey-new-pass-2026");
    await submit(page, emailForm.getByRole("button", { name: "Sign in" }));
    await page.waitForURL("**/portal/home");
    // The link worked once: the password it was signed over changed.
    await page.goto(link.pathname + link.search);
    await page.getByLabel("New password").fill("another-pass-2026");
    await page.getByLabel("Type it again").fill("another-pass-2026");
    await submit(page, page.getByRole("button", { name: "Save new password" }));
    await page.getByText("not valid any more").waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  test("self-registration from the contact form is a lead with limited access, then signs out", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await page.goto(`/portal/register?practice=${practice}`);
    const contact = page.getByRole("region", { name: "I never received a number or code" });
    await contact.getByLabel("First name").fill("Jordan");
    await contact.getByLabel("Last name").fill("Lee");
    await contact.getByLabel("Email").fill(`jordan.${stamp}@example.com`);
    await contact.getByLabel("Choose a password").fill("jordan-lee-2026");
    await contact.getByLabel("Type the password again").fill("jordan-lee-2026");
    await submit(page, contact.getByRole("button", { name: "Send my details" }));
    await page.waitForURL("**/portal/home");
    await page.getByText("Waiting for the practice").waitFor();
    expect(await page.getByTestId("balance").count()).toBe(0);
    await screenshot(page, "portal-lead-home-phone");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Earn" }).click();
    await page.getByText("Actions open once you are confirmed").waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Profile" }).click();
    await submit(page, page.getByRole("button", { name: "Sign out" }));
    await page.getByText("You are signed out.").waitFor();
    await page.goto("/portal/home");
    await page.getByRole("heading", { name: "Welcome to your rewards" }).waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  test("desktop layout and accessibility", async () => {
    const { page, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/portal");
    await page.waitForLoadState("networkidle");
    await screenshot(page, "portal-welcome-desktop");
    expect(await unlabelledInputs(page)).toEqual([]);
    const focus = await firstFocusRing(page);
    expect(focus.style).not.toBe("none");
    expect(focus.width).toBeGreaterThanOrEqual(2);
    await close();
  });
});
