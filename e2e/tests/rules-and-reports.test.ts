// Rules, the backtest, Reports and the live feed as an admin of the demo practice (issue 15,
// items 2, 3, 5, 9 and 12), on a desktop (1366×900) and a phone (390×844):
//  2. after a rollback from history the editor opens the active version; publishing shows what
//     changes and asks before removing rules;
//  3. the active version's backtest over past days equals what Reports shows for them, and the
//     page says what it replays;
//  5. a coupon bought with points is labelled as such in the dashboard's feed;
//  9. the milestone builder's phase fields stay inside its card;
// 12. Reports' figures are the totals of its per-day table; a patient checked in three times is
//     one check-in today.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { openPage, screenshot, submit, useBrowser, type WatchedPage } from "../src/harness.ts";

const browser = useBrowser();
const desktop = { width: 1366, height: 900 };
const phone = { width: 390, height: 844 };
const run = Date.now().toString(36).slice(-5).toUpperCase();
const TZ = "America/Chicago";

async function signIn(w: WatchedPage, next: string): Promise<Page> {
  const { page } = w;
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill("admin@brightsmiles.test");
  await page.getByLabel("Password").fill("demo-admin-2026");
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  if (next !== "/admin") {
    await page.goto(next);
    await page.waitForLoadState("networkidle");
  }
  return page;
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

/** The member with this practice-management id: opens their profile, answers their id. */
async function memberId(page: Page, externalId: string): Promise<string> {
  await page.goto(`/admin/members?q=${externalId}`);
  await page.waitForLoadState("networkidle");
  const href = await page
    .locator('a[href*="/admin/members/"]')
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? "").find((h) => /\/members\/[0-9a-f-]{36}$/.test(h)));
  expect(href).toBeTruthy();
  return href!.split("/").pop()!;
}

const localDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toLocaleDateString("en-CA", { timeZone: TZ });
const number = (text: string | null) => Number((text ?? "").replace(/[^\d-]/g, ""));

/** Nothing sticks out sideways: the page is no wider than the screen. */
const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function activeVersion(page: Page): Promise<{ id: string; version: number; source: string }> {
  const v = await call<{ id: string; version: number; source: string } | null>(page, "rules.version", {}, "query");
  expect(v).not.toBeNull();
  return v!;
}

describe("rules, backtest, reports and the live feed", () => {
  test("item 2: after a rollback the editor opens the active version; removing rules asks first", async () => {
    const w = await openPage(browser(), desktop);
    const page = await signIn(w, "/admin/rules");
    const original = await activeVersion(page);

    // Publish a new version that adds one (long past) rule: nothing to confirm, the summary says what changed.
    const added = `E2E rollback check ${run}`;
    const editor = page.getByLabel("Rule set");
    await editor.fill(
      `${original.source.trimEnd()}\n\nreward "${added}" on review.posted {\n  award 5 points\n  during 2020-01-01 to 2020-01-31\n}\n`,
    );
    await page.getByText("No problems found.").waitFor();
    expect(await submit(page, page.getByRole("button", { name: "Save and publish" }))).toBe(200);
    await page.getByText(/is saved and now active/).waitFor({ timeout: 30_000 });
    const summary = page.getByTestId("publish-summary");
    expect(await summary.textContent()).toContain(`1 added: “${added}”`);
    expect(await summary.textContent()).toMatch(/costs the same/);
    const newer = await activeVersion(page);
    expect(newer.version).toBeGreaterThan(original.version);

    // Roll back from the history: the publish removes that rule, so it asks first.
    await page.goto("/admin/rules/history");
    await page.waitForLoadState("networkidle");
    expect(await submit(page, page.getByRole("button", { name: `Publish version ${original.version}`, exact: true }))).toBe(409);
    const confirm = page.getByRole("status").filter({ hasText: `Publishing version ${original.version} removes a rule` });
    await confirm.waitFor({ timeout: 30_000 });
    expect(await confirm.textContent()).toContain(`1 removed: “${added}”`);
    await screenshot(page, "rules-history-confirm-desktop");
    expect(await submit(page, page.getByRole("button", { name: `Publish version ${original.version} anyway` }))).toBe(200);
    await page.getByText(`Version ${original.version} is now active`).waitFor({ timeout: 30_000 });
    expect((await activeVersion(page)).id).toBe(original.id);

    // The editor opens what is active (not the newer, rolled-back text).
    await page.goto("/admin/rules");
    await page.waitForLoadState("networkidle");
    expect(await page.locator(".status-line").textContent()).toMatch(new RegExp(`Editing from version ${original.version}\\s*Active`));
    expect(await editor.inputValue()).not.toContain(added);
    expect(await editor.inputValue()).toBe(original.source);

    // Removing a rule in the editor and publishing asks first; "Keep editing" publishes nothing.
    const blocks = original.source.split(/\n(?=(?:earn|reward|instant|milestone) ")/);
    const removed = blocks.find((b) => /^(earn|reward|instant|milestone) "/.test(b.trimStart()))!;
    const removedName = /"([^"]+)"/.exec(removed)![1]!;
    await editor.fill(`${original.source.replace(removed, "").trim()}\n`);
    await page.getByText("No problems found.").waitFor();
    expect(await submit(page, page.getByRole("button", { name: "Save and publish" }))).toBe(409);
    const panel = page.getByRole("status").filter({ hasText: /Publishing removes/ });
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.textContent()).toContain(`removed: “${removedName}”`);
    expect(await panel.textContent()).toMatch(/Backtest over the last 90 days/);
    await screenshot(page, "rules-publish-confirm-desktop");
    await panel.getByRole("button", { name: "Keep editing" }).click();
    await panel.waitFor({ state: "detached" });
    expect((await activeVersion(page)).id).toBe(original.id);
    expect(w.problems).toEqual([]);
    await w.close();

    // The same confirmation on a phone fits the screen.
    const p = await openPage(browser(), phone, { isMobile: true });
    const mobile = await signIn(p, "/admin/rules");
    await mobile.getByLabel("Rule set").fill(`${original.source.replace(removed, "").trim()}\n`);
    await mobile.getByText("No problems found.").waitFor();
    expect(await submit(mobile, mobile.getByRole("button", { name: "Save and publish" }))).toBe(409);
    await mobile.getByRole("button", { name: "Publish anyway" }).waitFor({ timeout: 30_000 });
    expect(await noSidewaysScroll(mobile)).toBe(true);
    await mobile.getByRole("button", { name: "Publish anyway" }).scrollIntoViewIfNeeded();
    await screenshot(mobile, "rules-publish-confirm-phone");
    expect((await activeVersion(mobile)).id).toBe(original.id);
    expect(p.problems).toEqual([]);
    await p.close();
  });

  test("item 3: the active version's backtest over past days is what Reports shows; the page says what it replays", async () => {
    const w = await openPage(browser(), desktop);
    const page = await signIn(w, "/admin/rules");
    const from = localDay(-92);
    const to = localDay(-2);
    await page.getByLabel("From", { exact: true }).fill(from);
    await page.getByLabel("To", { exact: true }).fill(to);
    expect(await submit(page, page.getByRole("button", { name: "Run backtest" }))).toBe(200);
    const scope = page.getByTestId("backtest-scope");
    await scope.waitFor({ timeout: 60_000 });
    const said = (await scope.textContent())!.replace(/\s+/g, " ");
    expect(said).toMatch(/in the order they were recorded/);
    expect(said).toMatch(
      new RegExp(
        `of them from before ${from}: they set each patient's paid invoices, lifetime spend, limits, milestone tallies and balance`,
      ),
    );
    expect(said).toMatch(/each coupon at its catalog value/);
    const totals = page.locator("dl.totals > div");
    const draftPoints = number(await totals.nth(0).locator("dd.num").first().textContent());
    const activePoints = number(await totals.nth(1).locator("dd.num").first().textContent());
    expect(draftPoints).toBe(activePoints);
    expect(activePoints).toBeGreaterThan(0);
    // Coupons count at their catalog value: "Big visit" gives no points, only coupons, and still costs.
    const bigVisit = page.locator("table tbody tr").filter({ has: page.getByRole("rowheader", { name: "Big visit" }) });
    const cells = await bigVisit.locator("td").allTextContents();
    expect(number(cells[0] ?? "")).toBe(0);
    expect(number(cells[3] ?? "")).toBeGreaterThan(0);
    expect(number(cells[4] ?? "")).toBeGreaterThan(0);
    await screenshot(page, "rules-backtest-desktop");

    // Reports for the same days: what the rules gave, less what voids took back.
    await page.goto(`/admin/reports?from=${from}&to=${to}`);
    await page.waitForLoadState("networkidle");
    const issued = number(await page.getByTestId("total-issued").textContent());
    const reversed = number(await page.locator("table.data-table tfoot td").nth(2).textContent());
    expect(activePoints).toBe(issued - reversed);
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("item 5: a coupon bought with points is labelled as bought in the live feed, not as an instant reward", async () => {
    const w = await openPage(browser(), desktop);
    const page = await signIn(w, "/admin");
    const id = await memberId(page, "PMS-10171");
    const coupon = (
      await call<{ id: string; kind: string; name: string; pointsPrice: number; enabled: boolean }[]>(page, "catalog.rewards", {}, "query")
    ).find((r) => r.kind === "coupon" && r.enabled)!;
    expect(coupon).toBeTruthy();
    await call(page, "ledger.adjust", { memberId: id, points: coupon.pointsPrice, note: `E2E coupon purchase ${run}` }, "mutation");
    await call(page, "redemption.redeem", { memberId: id, rewardId: coupon.id }, "mutation");

    await page.goto("/admin");
    await page.waitForLoadState("networkidle");
    const bought = page.locator(`ul.feed li[data-origin="purchase"]:has(a[href$="/members/${id}"])`).first();
    await bought.waitFor();
    const text = (await bought.textContent())!.replace(/\s+/g, " ");
    expect(text).toContain("Bought with points");
    expect(text).toContain(`bought ${coupon.name}`);
    expect(text).not.toMatch(/Instant reward|unlocked/);
    expect(await page.locator(`ul.feed li.instant_unlocked:has(a[href$="/members/${id}"])`).count()).toBe(0);
    await bought.scrollIntoViewIfNeeded();
    await screenshot(page, "dashboard-feed-bought-desktop");
    expect(w.problems).toEqual([]);
    await w.close();

    const p = await openPage(browser(), phone, { isMobile: true });
    const mobile = await signIn(p, "/admin");
    const onPhone = mobile.locator(`ul.feed li[data-origin="purchase"]:has(a[href$="/members/${id}"])`).first();
    await onPhone.waitFor();
    await onPhone.scrollIntoViewIfNeeded();
    expect(await noSidewaysScroll(mobile)).toBe(true);
    await screenshot(mobile, "dashboard-feed-bought-phone");
    expect(p.problems).toEqual([]);
    await p.close();
  });

  test("item 9: the milestone builder's phase fields stay inside its card", async () => {
    for (const [size, viewport] of [
      ["desktop", desktop],
      ["phone", phone],
    ] as const) {
      const w = await openPage(browser(), viewport, { isMobile: size === "phone" });
      const page = await signIn(w, "/admin/rules");
      const builder = page.locator("details.builder");
      if (!(await builder.evaluate((d: HTMLDetailsElement) => d.open))) await builder.locator("summary").click();
      await builder.getByText("Milestone (phases)").click();
      await builder.getByRole("button", { name: "Add a phase" }).click();
      const phase = builder.locator(".phase").first();
      await phase.getByLabel("Coupons").waitFor();
      const card = await builder.boundingBox();
      for (const label of ["Phase 1 name", "After perfect surveys", "Points", "Coupons"]) {
        const box = await phase.getByLabel(label, { exact: true }).boundingBox();
        expect(box, label).not.toBeNull();
        expect(box!.x, `${label} starts inside the card`).toBeGreaterThanOrEqual(card!.x);
        expect(box!.x + box!.width, `${label} ends inside the card (${size})`).toBeLessThanOrEqual(card!.x + card!.width);
        // Wide enough to read what is typed.
        expect(box!.width, `${label} is not clipped (${size})`).toBeGreaterThanOrEqual(60);
      }
      expect(await noSidewaysScroll(page)).toBe(true);
      await phase.scrollIntoViewIfNeeded();
      await screenshot(page, `rules-milestone-builder-${size}`);
      expect(w.problems).toEqual([]);
      await w.close();
    }
  });

  test("item 12: Reports' figures are the totals of the per-day table; three check-ins of one patient are one", async () => {
    const w = await openPage(browser(), desktop);
    const page = await signIn(w, "/admin");
    const id = await memberId(page, "PMS-10163");

    // One patient checked in three times today counts once on the dashboard.
    await call(page, "checkin.byStaff", { method: "staff", memberId: id }, "mutation");
    await page.goto("/admin");
    const once = number(await page.getByTestId("checkins-today").textContent());
    await call(page, "checkin.byStaff", { method: "staff", memberId: id }, "mutation");
    await call(page, "checkin.byStaff", { method: "staff", memberId: id }, "mutation");
    await page.goto("/admin");
    expect(number(await page.getByTestId("checkins-today").textContent())).toBe(once);

    // Reports over the last 30 days (a refunded order among the redemptions): the figures are the table's totals.
    await page.goto("/admin/reports");
    await page.waitForLoadState("networkidle");
    const rows = page.locator("table.data-table tbody tr");
    const columns = await rows.evaluateAll((trs) =>
      trs
        .filter((tr) => /^\d{4}-\d{2}-\d{2}$/.test(tr.querySelector("td")?.textContent?.trim() ?? ""))
        .map((tr) => [...tr.querySelectorAll("td")].map((td) => Number((td.textContent ?? "").replace(/[^\d-]/g, "")))),
    );
    expect(columns.length).toBe(30);
    const sum = (i: number) => columns.reduce((s, r) => s + (r[i] ?? 0), 0);
    expect(number(await page.getByTestId("summary-issued").textContent())).toBe(sum(1));
    expect(number(await page.getByTestId("summary-redeemed").textContent())).toBe(sum(2));
    expect(number(await page.getByTestId("summary-checkins").textContent())).toBe(sum(5));
    // Today's row counts the patient once too, as the dashboard does.
    const today = await rows
      .filter({ hasText: localDay(0) })
      .first()
      .locator("td")
      .nth(5)
      .textContent();
    expect(number(today)).toBe(once);
    await screenshot(page, "reports-totals-desktop");
    expect(w.problems).toEqual([]);
    await w.close();

    const p = await openPage(browser(), phone, { isMobile: true });
    const mobile = await signIn(p, "/admin/reports");
    expect(await noSidewaysScroll(mobile)).toBe(true);
    await screenshot(mobile, "reports-totals-phone");
    expect(p.problems).toEqual([]);
    await p.close();
  });
});
