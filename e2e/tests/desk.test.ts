// The front desk on a member's profile, at desktop (1366×900) and again at phone size (390×844):
// edit details (a PMS id another member holds is refused next to the field, what was typed stays),
// record consent (media consent's reward once, who and when shown), forms that keep their panel and
// values on errors (award "abc", deduct more than the balance, an unanswered survey), the
// practice's manual rewards as one-click buttons through the rules (limits say why not), redeem a
// catalog reward, mark its coupon used, the history lines, and merging a duplicate.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };
const team = { email: "team@brightsmiles.test", password: "demo-team-2026" };
const desktop = { width: 1366, height: 900 };

/** The practice's manual rewards the desk uses (as the onboarding material describes them). */
const presets = `

reward "Left a review" manual {
  award 40 points
  prompt "Leave us a review on Google or Facebook"
  confirmation "Thank you for your review!"
  limit once per member
}

reward "Attended event" manual {
  award 30 points
  prompt "Came to one of our patient events"
  limit 1 per day
}

reward "Social post" manual {
  award 20 points
  prompt "Posted about us on social media"
  limit 2 per month
}
`;

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

/** A tRPC call from the signed-in page (same origin, the session's cookie). */
async function call<T>(page: Page, path: string, input: unknown, kind: "query" | "mutation"): Promise<T> {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const res =
        kind === "query"
          ? await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
          : await fetch(`/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${path}: ${JSON.stringify(body).slice(0, 300)}`);
      return body.result.data;
    },
    { path, input, kind },
  ) as Promise<T>;
}

/** The three presets are in the active rules (published once, for both runs). */
async function ensurePresets(page: Page) {
  const active = await call<{ source: string } | null>(page, "rules.version", {}, "query");
  if (active?.source.includes('"Left a review"')) return;
  const source = `${active?.source ?? ""}${presets}`;
  // The server publishes a change that raises the cost only with the preview's confirmation.
  const preview = await call<{ confirm: { token: string | null } }>(page, "rules.publishPreview", { source }, "mutation");
  await call(page, "rules.save", { source, note: "Desk presets", publish: true, confirm: preview.confirm.token ?? undefined }, "mutation");
}

const balanceOf = async (page: Page) => Number((await page.getByTestId("balance").textContent())!.replace(/[^\d-]/g, ""));

/** Nothing sticks out sideways: the page is no wider than the screen. */
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function deskDay(page: Page, size: "desktop" | "phone") {
  const stamp = `${size}${Date.now().toString(36)}`;
  const shot = (name: string) => screenshot(page, `desk-${size}-${name}`);
  const last = `Desk${stamp}`;
  const member = await call<{ id: string }>(
    page,
    "members.create",
    { firstName: "Rosa", lastName: last, birthday: "1988-06-15", email: `rosa.${stamp}@example.com` },
    "mutation",
  );
  const dup = await call<{ id: string }>(
    page,
    "members.create",
    { firstName: "Rosa", lastName: last, birthday: "1988-06-15", externalId: `PMS-D-${stamp}` },
    "mutation",
  );
  await call(page, "ledger.adjust", { memberId: dup.id, points: 120, note: "Points on the old record" }, "mutation");

  await page.goto(`/admin/members/${member.id}`);
  await page.getByRole("heading", { name: `Rosa ${last}`, level: 1 }).waitFor();
  await page.waitForLoadState("networkidle");
  expect(await unlabelledInputs(page)).toEqual([]);
  await page.getByText("Possible duplicate").waitFor();
  await shot("profile");
  expect(await noSidewaysScroll(page)).toBe(true);

  // 1. Edit details: a PMS id the duplicate holds is refused next to the field; what was typed stays.
  await page.getByRole("link", { name: "Edit details" }).click();
  const pms = page.getByRole("textbox", { name: "PMS id" });
  await pms.waitFor();
  // A phone of its own, so the other run's patient is not suggested as a duplicate.
  const phone = `(217) 555-${String(1000 + Math.floor(Math.random() * 9000))}`;
  await page.getByRole("textbox", { name: "Phone" }).fill(phone);
  await pms.fill(`PMS-D-${stamp}`);
  await submit(page, page.getByRole("button", { name: "Save details" }));
  await page.getByText(`PMS id PMS-D-${stamp} belongs to another member (Rosa ${last})`).waitFor();
  expect(await pms.getAttribute("aria-invalid")).toBe("true");
  expect(await page.getByRole("textbox", { name: "Phone" }).inputValue()).toBe(phone);
  await shot("edit-error");
  await pms.fill(`PMS-${stamp}`);
  await page.getByRole("textbox", { name: "Card number" }).fill(`7${Date.now().toString().slice(-9)}`);
  await submit(page, page.getByRole("button", { name: "Save details" }));
  await page.getByText("Details saved.").waitFor();
  expect(await page.getByTestId("pms-id").textContent()).toBe(`PMS-${stamp}`);
  await page.getByText(phone).first().waitFor();

  // 2. Consent recorded for the patient: media consent's reward fires once; who and when show.
  const start = await balanceOf(page);
  await submit(page, page.getByRole("button", { name: "Record consent: Media (photos and video)" }));
  await page.getByText("+100 pts from “Media consent”").waitFor();
  expect(await balanceOf(page)).toBe(start + 100);
  await page.getByText(/recorded by Dr\. Morgan Reyes/).waitFor();
  await submit(page, page.getByRole("button", { name: "Record consent: Text messages (SMS)" }));
  await page.getByText("No reward for this consent.").waitFor();
  expect(await balanceOf(page)).toBe(start + 100);
  await shot("consent");

  // 3. Errors stay next to the field and the panel stays open (issue 15, item 1).
  await page.getByRole("link", { name: "Award or deduct points" }).click();
  const points = page.getByRole("textbox", { name: "Points" });
  await points.fill("abc");
  await page.getByRole("textbox", { name: "Note" }).fill("Typed by the desk");
  await submit(page, page.getByRole("button", { name: "Save", exact: true }));
  await page.getByText("Enter a whole number of points above 0.").waitFor();
  expect(await points.inputValue()).toBe("abc");
  expect(await page.getByRole("textbox", { name: "Note" }).inputValue()).toBe("Typed by the desk");
  expect(await points.getAttribute("aria-invalid")).toBe("true");
  await page.getByRole("radio", { name: "Deduct" }).check();
  await points.fill("99999");
  await submit(page, page.getByRole("button", { name: "Save", exact: true }));
  await page.getByText(/it cannot go below zero\. Deduct at most the balance\./).waitFor();
  expect(await points.inputValue()).toBe("99999");
  expect(await page.getByRole("radio", { name: "Deduct" }).isChecked()).toBe(true);
  expect(new URL(page.url()).searchParams.get("panel")).toBe("award");
  await shot("deduct-error");
  await page.getByRole("radio", { name: "Award" }).check();
  await points.fill("500");
  await submit(page, page.getByRole("button", { name: "Save", exact: true }));
  await page.getByText("+500 pts recorded").waitFor();

  await page.getByRole("link", { name: "Take survey" }).click();
  await page.getByRole("button", { name: "Submit survey" }).waitFor();
  const yes = page.getByRole("radio", { name: "Yes" });
  await yes.first().check();
  await submit(page, page.getByRole("button", { name: "Submit survey" }));
  await page.getByTestId("survey-error").waitFor();
  expect(await page.getByTestId("survey-error").textContent()).toMatch(/unanswered/);
  expect(await yes.first().isChecked()).toBe(true);
  expect(await page.getByText("Choose Yes or No.").count()).toBe((await yes.count()) - 1);
  await shot("survey-error");

  // 4. The practice's manual rewards: one click, through the rules; a limit says why not.
  const beforeReview = await balanceOf(page);
  await submit(page, page.getByRole("button", { name: /^Left a review/ }));
  await page.getByText("“Left a review” approved").waitFor();
  expect(await balanceOf(page)).toBe(beforeReview + 40);
  await submit(page, page.getByRole("button", { name: /^Left a review/ }));
  await page.getByText("“Left a review” was not given").waitFor();
  await page.getByText("“Left a review” is limited to once per patient: already used up.").waitFor();
  expect(await balanceOf(page)).toBe(beforeReview + 40);
  await page.getByRole("textbox", { name: "Comment (optional)" }).fill("Spring open day");
  await submit(page, page.getByRole("button", { name: /^Attended event/ }));
  await page.getByText("“Attended event” approved").waitFor();
  expect(await balanceOf(page)).toBe(beforeReview + 70);
  await shot("manual-rewards");

  // 5. Redeem a catalog reward at the desk, then mark its coupon used (its expiry shown).
  const beforeRedeem = await balanceOf(page);
  await page.getByRole("link", { name: "Redeem a reward" }).click();
  await page.getByRole("heading", { name: "Redeem a reward" }).waitFor();
  expect(await noSidewaysScroll(page)).toBe(true);
  await shot("redeem");
  await submit(page, page.getByRole("button", { name: /^Redeem \$10 off your next visit/ }));
  await page.getByText("$10 off your next visit redeemed").waitFor();
  expect(await balanceOf(page)).toBe(beforeRedeem - 400);
  await page.getByRole("link", { name: /^Coupons/ }).click();
  const coupon = page.getByTestId("coupon").filter({ hasText: "$10 off your next visit" });
  await coupon.getByText(/Use by /).waitFor();
  await shot("coupons");
  await submit(page, coupon.getByRole("button", { name: "Mark $10 off your next visit used" }));
  await page.getByText("$10 off your next visit marked used.").waitFor();
  await coupon.getByText("Used", { exact: true }).waitFor();
  expect(await coupon.getByRole("button").count()).toBe(0);

  // 6. History lines say what was redeemed and which staff user adjusted.
  await page.getByRole("link", { name: "Activity" }).click();
  await page.getByRole("cell", { name: '-400 points redeemed for "$10 off your next visit"' }).waitFor();
  await page.getByRole("cell", { name: "500 points adjusted by Dr. Morgan Reyes: Typed by the desk" }).waitFor();
  await shot("history");

  // 7. Merge the duplicate: the confirm step says what is combined; history and balance add up.
  const survivorBefore = await balanceOf(page);
  await page.getByRole("link", { name: "Merge duplicates" }).click();
  await page.getByRole("link", { name: "Review merge" }).first().click();
  const summary = page.getByTestId("merge-summary");
  await summary.waitFor();
  expect(await summary.textContent()).toContain(`${survivorBefore + 120}`.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
  expect(await summary.textContent()).toContain(`PMS ids PMS-${stamp} and PMS-D-${stamp} both lead to the record that stays`);
  expect(await noSidewaysScroll(page)).toBe(true);
  await shot("merge-confirm");
  await submit(page, page.getByRole("button", { name: "Merge the two records" }));
  await page.getByText("Records merged").waitFor();
  expect(new URL(page.url()).pathname).toBe(`/admin/members/${member.id}`);
  expect(await balanceOf(page)).toBe(survivorBefore + 120);
  await page.getByRole("cell", { name: "120 points adjusted by Dr. Morgan Reyes: Points on the old record" }).waitFor();
  expect(await page.getByText("Possible duplicate").count()).toBe(0);
  await shot("merged");
  expect(await noSidewaysScroll(page)).toBe(true);
  // The merged-away record says where its history went.
  await page.goto(`/admin/members/${dup.id}`);
  await page.getByText("This record was merged").waitFor();
  await page.getByRole("link", { name: "Open that member" }).click();
  await page.waitForURL((url) => url.pathname === `/admin/members/${member.id}`);
  await page.getByTestId("balance").waitFor();
  expect(await page.getByText("This record was merged").count()).toBe(0);
  return member.id;
}

describe("the front desk on a member's profile", () => {
  test("desktop: edit, consent, errors kept, manual rewards, redeem, coupon, history, merge", async () => {
    const { page, problems, close } = await openPage(browser(), desktop);
    await signIn(page, admin);
    await ensurePresets(page);
    await deskDay(page, "desktop");
    expect(problems).toEqual([]);
    await close();
  });

  test("phone: the same desk steps at 390×844", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    await signIn(page, admin);
    await ensurePresets(page);
    await deskDay(page, "phone");
    expect(problems).toEqual([]);
    await close();
  });

  test("a team member does the desk work but sees no merge", async () => {
    const { page, problems, close } = await openPage(browser(), desktop);
    await signIn(page, admin);
    await ensurePresets(page);
    const m = await call<{ id: string }>(
      page,
      "members.create",
      { firstName: "Tess", lastName: `Team${Date.now().toString(36)}` },
      "mutation",
    );
    await page.context().clearCookies();
    await signIn(page, team);
    await page.goto(`/admin/members/${m.id}`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("link", { name: "Merge duplicates" }).count()).toBe(0);
    await page.goto(`/admin/members/${m.id}?panel=merge`);
    expect(await page.getByRole("heading", { name: "Merge duplicate records" }).count()).toBe(0);
    await submit(page, page.getByRole("button", { name: /^Social post/ }));
    await page.getByText("“Social post” approved").waitFor();
    await page.getByRole("cell", { name: '20 points from reward "Social post"' }).waitFor();
    await screenshot(page, "desk-team-member");
    expect(problems).toEqual([]);
    await close();
  });
});
