// Issue 15, items 13 to 15, in Chromium at desktop (1366x900) and phone (390x844) sizes:
// 13. people read plain words: the rule preview has no field paths or coupon codes, the audit log
//     no raw JSON, phone numbers are formatted;
// 14. engagement works: an empty contest entry earns nothing, a "five questions" survey is five
//     questions, staff see a contest's entries and draw a winner that replays from its seed, and a
//     published review is on the portal and on the practice's public review page;
// 15. the daily digest has no screen and a browser cannot start its job: its test runs the real job
//     queue in apps/api/src/jobs/jobs.test.ts (test mode mails nothing, an overnight import is mailed).
// Setup for 14 and 15 goes through the API as staff of "paws-claws", so Bright Smiles stays as seeded.
import { type ApiClient, createApiClient } from "@tally/api/client";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  baseURL,
  openPage,
  portalSignIn,
  screenshot,
  submit,
  unlabelledInputs,
  useBrowser,
  viewports,
  type WatchedPage,
} from "../src/harness.ts";

const browser = useBrowser();
const desktop = { width: 1366, height: 900 };
const practice = "paws-claws";
const stamp = Date.now().toString(36);

async function staffClient(): Promise<ApiClient> {
  const anonymous = createApiClient({ url: baseURL });
  const session = await anonymous.auth.signIn.mutate({ email: "admin@pawsclaws.test", password: "demo-vet-2026", practice });
  return createApiClient({ url: baseURL, headers: { cookie: `tally_staff=${session.token}` } });
}

async function adminSignIn(w: WatchedPage, email: string, password: string, next: string): Promise<Page> {
  const { page } = w;
  await page.goto("/admin/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/admin/sign-in"), { timeout: 20_000 }),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  await page.goto(next);
  await page.waitForLoadState("networkidle");
  return page;
}

/** A registered member of paws-claws with a password (invitation accepted through the API). */
async function registeredMember(staff: ApiClient, firstName: string, password: string) {
  const email = `${firstName.toLowerCase()}.${stamp}@example.com`;
  const member = await staff.members.create.mutate({ firstName, lastName: "Quill", email, birthday: "1991-05-06" });
  const { link } = await staff.members.invite.mutate({ memberId: member.id });
  const token = new URL(link).searchParams.get("token")!;
  await createApiClient({ url: baseURL }).auth.member.acceptInvitation.mutate({ practice, token, password });
  return { id: member.id, email, password, firstName };
}

/** Nothing wider than the screen (long pages scroll down, never sideways). */
const fitsWidth = (page: Page) =>
  page
    .evaluate(() => `${document.documentElement.scrollWidth} in ${window.innerWidth}`)
    .then((s) => {
      const [w, , v] = s.split(" ");
      return Number(w) <= Number(v) ? "fits" : s;
    });

// What no person should read: field paths, operators, coupon codes, parser remarks.
const internal = /\b(member|visit|invoice|activity|qr|review)\.[a-z_]+\b|>=|<=|incomplete|ten-off|free-whitening|movie-ticket/;

describe("plain words and engagement (issue 15)", () => {
  let staff: ApiClient;
  beforeAll(async () => {
    staff = await staffClient();
  });
  afterAll(async () => {
    // Leave the practice as the seed made it (test mode).
    await staff?.practice.updateSettings.mutate({ status: "test" });
  });

  test("13: the rule preview is plain English with coupon names, the audit log reads as lines, phones are formatted", async () => {
    const w = await openPage(browser(), desktop);
    const page = await adminSignIn(w, "admin@brightsmiles.test", "demo-admin-2026", "/admin/rules");
    const editor = page.getByLabel("Rule set");
    // Typed, not published: the preview describes the draft as it is written.
    await editor.fill(`reward "First visit" on invoice.paid when member.paid_invoices = 1 { award 500 points accumulate no }
instant "Big visit" { window 4 hours when visit.spend >= $300 unlock coupon "ten-off" for 48 hours }
reward "Contest entry" on marketplace.participated when activity.kind = "contest" { award 20 points }
reward "Selfie wall" on qr.scanned { award 15 points }
earn "Spend" on invoice.paid { minimum $20 }`);
    const preview = page.getByRole("list", { name: "Rules in plain English" });
    await preview.getByText("this is their first paid invoice").waitFor();
    const text = (await preview.textContent()) ?? "";
    expect(text).toContain("their eligible spend since checking in is at least $300");
    expect(text).toContain("“$10 off your next visit”");
    expect(text).toContain("if the activity is a contest");
    expect(text).toContain("when they scan a QR code");
    expect(text).toContain("is not finished: say how many points each dollar amount earns");
    expect(text).not.toMatch(internal);
    await screenshot(page, "plain-rules-preview-desktop");

    // The audit log: who, what and the facts, never JSON or action codes.
    await page.goto("/admin/settings?tab=audit");
    const table = page.locator("table.data-table");
    await table.waitFor();
    const audit = (await table.textContent()) ?? "";
    expect(audit).toContain("Staff signed in");
    expect(audit).not.toMatch(/\{"|auth\.signIn|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await screenshot(page, "plain-audit-log-desktop");

    // Phone numbers as people write them on the member list.
    await page.goto("/admin/members");
    await page.waitForLoadState("networkidle");
    const list = (await page.locator("main").textContent()) ?? "";
    expect(list).toMatch(/\(217\) 555-\d{4}/);
    expect(list).not.toMatch(/\b217555\d{4}\b/);
    expect(w.problems).toEqual([]);
    await w.close();

    // The preview and the audit log on a phone: nothing overflows the screen.
    const phone = await openPage(browser(), viewports.phone, { isMobile: true });
    const p = await adminSignIn(phone, "admin@brightsmiles.test", "demo-admin-2026", "/admin/settings?tab=audit");
    expect(await fitsWidth(p)).toBe("fits");
    await screenshot(p, "plain-audit-log-phone");
    expect(phone.problems).toEqual([]);
    await phone.close();
  });

  test("14: an empty contest entry earns nothing, a five-question survey is five questions, a draw replays, reviews are published", async () => {
    await staff.practice.updateSettings.mutate({ status: "on" });
    const questions = [
      "Was it easy to book?",
      "Were you seen on time?",
      "Was the room clean?",
      "Did we explain the cost?",
      "Anything else?",
    ];
    const contest = await staff.engagement.saveActivity.mutate({ kind: "contest", title: `Pet photo contest ${stamp}` });
    const survey = await staff.engagement.saveActivity.mutate({ kind: "survey", title: `How did we do ${stamp}?`, questions });
    const rowan = await registeredMember(staff, "Rowan", "rowan-quill-2026");
    const before = (await staff.ledger.balance.query({ memberId: rowan.id })).balance;

    const w = await openPage(browser(), viewports.phone, { isMobile: true });
    const { page } = w;
    await portalSignIn(page, practice, rowan.email, rowan.password);
    await page.goto("/portal/actions");
    await page.waitForLoadState("networkidle");

    // The contest: sent empty, it is refused with a message and earns nothing.
    const card = page.getByRole("region", { name: `Pet photo contest ${stamp}` });
    const contestForm = card.locator("form");
    expect(await submit(page, contestForm.getByRole("button", { name: "Take part" }))).toBe(400);
    // The message sits under the field it is about.
    await card
      .locator("p.error")
      .getByText("Your entry is empty: write or link your entry first. An empty entry earns no points.")
      .waitFor();
    expect(await card.getByText("Thanks for taking part").count()).toBe(0);
    expect((await staff.ledger.balance.query({ memberId: rowan.id })).balance).toBe(before);
    await screenshot(page, "engagement-contest-empty-phone");
    await contestForm.getByLabel("Your entry").fill("Biscuit in a bow tie");
    expect(await submit(page, contestForm.getByRole("button", { name: "Take part" }))).toBe(200);
    await card.getByText(/Thanks for taking part/).waitFor();

    // The survey: five labelled questions, every one needs an answer; what was typed stays.
    const surveyCard = page.getByRole("region", { name: `How did we do ${stamp}?` });
    for (const [i, q] of questions.entries()) await surveyCard.getByLabel(`${i + 1}. ${q}`).waitFor();
    expect(await surveyCard.locator("textarea").count()).toBe(5);
    await surveyCard.getByLabel(`1. ${questions[0]}`).fill("Yes, online");
    await surveyCard.getByLabel(`3. ${questions[2]}`).fill("Spotless");
    expect(await submit(page, surveyCard.getByRole("button", { name: "Send answers" }))).toBe(400);
    await surveyCard.getByRole("alert").getByText("Answer questions 2, 4, 5 too: every question needs an answer.").waitFor();
    expect(await surveyCard.getByLabel(`1. ${questions[0]}`).inputValue()).toBe("Yes, online");
    await screenshot(page, "engagement-survey-phone");
    for (const [i, q] of questions.entries()) await surveyCard.getByLabel(`${i + 1}. ${q}`).fill(`Answer ${i + 1}`);
    expect(await submit(page, surveyCard.getByRole("button", { name: "Send answers" }))).toBe(200);
    await surveyCard.getByText(/Thanks for taking part/).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe("fits");

    // A review, published by staff, is on the portal's review page.
    await page.goto("/portal/review");
    await page.getByLabel("5 stars").check();
    await page.getByLabel("Your review (optional)").fill(`Gentle with our cat ${stamp}`);
    expect(await submit(page, page.getByRole("button", { name: "Send review" }))).toBe(200);
    const reviews = await staff.engagement.reviews.query({ status: "submitted" });
    const mine = reviews.find((r) => r.body === `Gentle with our cat ${stamp}`)!;
    await staff.engagement.publishReview.mutate({ id: mine.id });
    await page.goto("/portal/review");
    await page.getByRole("region", { name: "What patients say" }).getByText(`Gentle with our cat ${stamp}`).waitFor();
    expect(w.problems).toEqual([]);
    await w.close();

    // The practice's public review page, signed out.
    const visitor = await openPage(browser(), viewports.phone, { isMobile: true });
    await visitor.page.goto(`/portal/reviews?practice=${practice}`);
    await visitor.page.getByRole("heading", { name: /What patients say about/ }).waitFor();
    await visitor.page.getByText(`Gentle with our cat ${stamp}`).waitFor();
    await visitor.page.getByText("Rowan Q.").first().waitFor();
    expect(await visitor.page.getByText("Quill").count()).toBe(0);
    expect(await fitsWidth(visitor.page)).toBe("fits");
    await screenshot(visitor.page, "engagement-public-reviews-phone");
    expect(visitor.problems).toEqual([]);
    await visitor.close();

    // Staff: the contest's entries, a recorded draw and its replay.
    const admin = await openPage(browser(), desktop);
    const a = await adminSignIn(admin, "admin@pawsclaws.test", "demo-vet-2026", `/admin/engagement/marketplace/${contest.id}`);
    await a.getByText("Biscuit in a bow tie").waitFor();
    await a.getByRole("button", { name: "Draw a winner" }).click();
    const dialog = a.getByRole("dialog", { name: "Draw a winner?" });
    await dialog.waitFor();
    expect(await submit(a, dialog.getByRole("button", { name: "Draw a winner" }))).toBe(200);
    await a.getByText(/Winner: Rowan Quill/).waitFor();
    const seed = ((await a.getByRole("status").locator("code.seed").first().textContent()) ?? "").trim();
    expect(seed).toMatch(/^[0-9a-f]{32}$/);
    await a.getByLabel("Replay a draw from its seed").fill(seed);
    expect(await submit(a, a.getByRole("button", { name: "Replay" }))).toBe(200);
    await a.getByText(/It matches the draw recorded on .*: same entries, same winner\./).waitFor();
    await screenshot(a, "engagement-draw-desktop");
    // The reviews page says where a review was left in words and links the public page.
    await a.goto("/admin/reviews?status=published");
    const published = a.locator("li").filter({ hasText: `Gentle with our cat ${stamp}` });
    await published.getByText("Rowan Q. · in the portal").waitFor();
    expect(await a.getByRole("link", { name: "Open the public review page" }).getAttribute("href")).toBe(
      `/portal/reviews?practice=${practice}`,
    );
    // The survey's entry shows each answer under its question.
    await a.goto(`/admin/engagement/marketplace/${survey.id}`);
    await a.getByText("Were you seen on time?").first().waitFor();
    await a.getByText("Answer 2").waitFor();
    expect(admin.problems).toEqual([]);
    await admin.close();

    // The same pages on a phone: the entries with the draw, and the marketplace form with its questions field.
    const phoneAdmin = await openPage(browser(), viewports.phone, { isMobile: true });
    const pa = await adminSignIn(phoneAdmin, "admin@pawsclaws.test", "demo-vet-2026", `/admin/engagement/marketplace/${contest.id}`);
    await pa.getByText("Recorded draws").waitFor();
    expect(await fitsWidth(pa)).toBe("fits");
    await screenshot(pa, "engagement-draw-phone");
    await pa.goto("/admin/engagement/marketplace");
    await pa.getByLabel("Survey questions (surveys only, one a line)").waitFor();
    expect(await fitsWidth(pa)).toBe("fits");
    expect(await unlabelledInputs(pa)).toEqual([]);
    await screenshot(pa, "engagement-marketplace-phone");
    expect(phoneAdmin.problems).toEqual([]);
    await phoneAdmin.close();

    // The public review page on a desktop.
    const wide = await openPage(browser(), desktop);
    await wide.page.goto(`/portal/reviews?practice=${practice}`);
    await wide.page.getByText(`Gentle with our cat ${stamp}`).waitFor();
    await screenshot(wide.page, "engagement-public-reviews-desktop");
    expect(wide.problems).toEqual([]);
    await wide.close();

    // The draw is in the audit log, with its seed, in words.
    const entries = await staff.engagement.entries.query({ activityId: contest.id });
    expect(entries.draws.map((d) => d.seed)).toEqual([seed]);
  });
});
