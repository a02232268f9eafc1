// Admin: rules, program settings, catalog and engagement, driven end to end in Chromium as the
// demo admin: a rule with an error shows its diagnostic, the fix publishes, a draft backtests,
// program status changes with the warning, a reward is added, a QR code is created and printed.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports, type WatchedPage } from "../src/harness.ts";

const browser = useBrowser();
/** Names made unique per run, so the file also passes against a server that ran it before. */
const run = Date.now().toString(36).slice(-5).toUpperCase();

async function signIn(w: WatchedPage, next: string): Promise<Page> {
  const { page } = w;
  await page.goto("/admin/sign-in");
  await page.getByLabel("Email").fill("admin@brightsmiles.test");
  await page.getByLabel("Password").fill("demo-admin-2026");
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith("/admin/sign-in"), { timeout: 20_000 }),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
  await page.goto(next);
  await page.waitForLoadState("networkidle");
  return page;
}

/** The rule typed with a misspelt field; in the past, so publishing it changes no other test's points. */
const brokenRule = `reward "E2E winter review bonus ${run}" on review.posted when review.ratng >= 5 {
award 25 points
during 2020-01-01 to 2020-01-31
}`;

describe("admin rules, programs, catalog and engagement", () => {
  test("a rule with an error shows its diagnostic; fixed, it publishes", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/rules");
    await page.getByRole("heading", { name: "Rules", level: 1 }).waitFor();
    const editor = page.getByLabel("Rule set");
    const before = await editor.inputValue();

    // Type at the end, the way a person does (the editor keeps indentation on Enter).
    await editor.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(`${before.trim() ? "\n\n" : ""}${brokenRule}`);
    const typed = await editor.inputValue();
    const lines = typed.split("\n");
    const ruleLine = lines.findIndex((l) => l.includes(`E2E winter review bonus ${run}`)) + 1;
    const column = (lines[ruleLine - 1] ?? "").indexOf("review.ratng") + 1;

    const diagnostic = page.locator("#rule-diagnostics li").filter({ hasText: "review.ratng" });
    await diagnostic.waitFor();
    const text = (await diagnostic.textContent()) ?? "";
    expect(text).toContain(`Line ${ruleLine}, column ${column}`);
    expect(text).toMatch(/review\.ratng is not a field of review\.posted/);
    expect(text).toMatch(/did you mean review\.rating/);
    // The misspelt field is underlined in the editor.
    expect(await page.locator(".overlay mark.diag.error").first().textContent()).toContain("review.ratng");
    expect(await page.getByRole("button", { name: "Save and publish" }).isDisabled()).toBe(true);

    // Clicking the diagnostic puts the caret on it.
    await diagnostic.getByRole("button").click();
    const caret = await editor.evaluate((el: HTMLTextAreaElement) => el.selectionStart);
    expect(typed.slice(caret, caret + 12)).toBe("review.ratng");
    await screenshot(page, "admin-rules-diagnostic");

    // The server refuses it too, with the same diagnostics.
    expect(await submit(page, page.getByRole("button", { name: "Save draft" }))).toBe(400);
    await page.getByText(/Not saved: the rules have 1 error/).waitFor();

    // Fix it, then publish.
    await editor.fill(typed.replace("review.ratng", "review.rating"));
    await page.getByText("No problems found.").waitFor();
    expect(await page.getByText(`E2E winter review bonus ${run}`).first().isVisible()).toBe(true);
    await page.getByLabel("Note for this version (optional)").fill("E2E: winter review bonus");
    expect(await submit(page, page.getByRole("button", { name: "Save and publish" }))).toBe(200);
    await page.getByText(/is saved and now active/).waitFor();
    await page.getByText(/Editing from version \d+/).waitFor();
    expect(await page.locator(".status-line").textContent()).toContain("Active");
    await screenshot(page, "admin-rules-published");
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("backtest a draft over a date range: points per rule and cost", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/rules");
    const editor = page.getByLabel("Rule set");
    // A draft that doubles spend points.
    const draft = (await editor.inputValue()).replace(/rate (\d+) points? per/, (_, n) => `rate ${Number(n) * 2} points per`);
    const withSpend = /rate \d+ points? per/.test(draft);
    await editor.fill(withSpend ? draft : `${draft}\n\nearn "E2E spend" on invoice.paid {\n  rate 2 points per $10\n}\n`);
    await page.getByText("No problems found.").waitFor();
    await page.getByLabel("From", { exact: true }).fill("2025-11-01");
    await page.getByLabel("To", { exact: true }).fill("2026-11-30");
    const run = page.getByRole("button", { name: "Run backtest" });
    expect(await submit(page, run)).toBe(200);
    const result = page.locator(".backtest-out");
    await result.getByText(/Counted the [\d,]+ events? dated 2025-11-01 to 2026-11-30/).waitFor();
    await result.getByRole("heading", { name: "Points per rule" }).waitFor();
    const rows = result.locator("table").first().locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await result.locator("dl").textContent()).toMatch(/Draft\s*[\d,]+ pts?\s*[\d,]+ coupons?\s*\$[\d,]+\.\d\d/);
    await screenshot(page, "admin-rules-backtest");
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("version history shows a diff and the builder writes rules", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/rules/history");
    await page.getByRole("heading", { name: "Version history" }).waitFor();
    await page.getByText(/Version \d+ → \d+/).waitFor();
    await screenshot(page, "admin-rules-history");

    await page.goto("/admin/rules");
    await page.waitForLoadState("networkidle");
    const builder = page.locator("details.builder");
    if (!(await builder.getAttribute("open"))) await builder.locator("summary").click();
    await builder.getByText("Milestone (unlimited)").click();
    await builder.getByLabel("Rule name").fill(`E2E keep it up ${run}`);
    await builder.getByLabel("Every how many perfect surveys").fill("7");
    await builder.getByLabel("Points", { exact: true }).fill("70");
    await builder.getByRole("button", { name: "Add to the rules" }).click();
    await page.getByText(`Added "E2E keep it up ${run}" to the end of the rules.`).waitFor();
    expect(await page.getByLabel("Rule set").inputValue()).toContain(
      `milestone "E2E keep it up ${run}" unlimited {\n  every 7 perfect surveys award 70 points\n}`,
    );
    await screenshot(page, "admin-rules-builder");
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("program status changes with the seed's warning", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/programs");
    await page.getByText(/Do this step last/).waitFor();
    await page.getByRole("radio", { name: /^Test/ }).check();
    expect(await submit(page, page.getByRole("button", { name: "Save status" }))).toBe(200);
    await page.getByText(/The program is in Test mode/).waitFor();
    await page.getByText("Program in test mode").waitFor();
    await screenshot(page, "admin-programs-test-mode");

    // Back on: when rewards or eligible items are missing, it asks once.
    await page.getByRole("radio", { name: /^On/ }).check();
    const status = await submit(page, page.getByRole("button", { name: "Save status" }));
    if (status === 400) {
      await page.getByText(/Configure rewards and eligible items first/).waitFor();
      await screenshot(page, "admin-programs-warning");
      await page.getByLabel("I understand: switch the program On anyway.").check();
      expect(await submit(page, page.getByRole("button", { name: "Save status" }))).toBe(200);
    }
    await page.getByText(/The program is On/).waitFor();
    expect(await page.getByText("Program in test mode").count()).toBe(0);
    expect(await unlabelledInputs(page)).toEqual([]);

    await page.goto("/admin/programs/eligible-items");
    await page.getByRole("heading", { name: "Eligible items" }).waitFor();
    // Search, uncheck a code (saved at once), then check it again.
    await page.getByLabel("Search codes and names").fill("whiten");
    await Promise.all([page.waitForURL(/q=whiten/), page.getByRole("button", { name: "Search" }).click()]);
    const box = page.getByRole("checkbox", { name: /\(WHITEN\) earns points/ });
    expect(await box.isChecked()).toBe(true);
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), box.uncheck()]);
    await page.getByText("1 no longer earn").waitFor();
    await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), box.check()]);
    await page.getByText("1 code now earn points.").waitFor();
    // "Enable all" asks first and names the sensitive codes.
    await page.getByRole("link", { name: "Clear" }).click();
    await page.getByRole("link", { name: "Enable all…" }).click();
    await page.getByText("Review the billing codes first").waitFor();
    expect(
      await page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: "Review the billing codes first" }).textContent(),
    ).toMatch(/euthanasia/);
    await screenshot(page, "admin-programs-eligible-items");
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.waitForURL((u) => !u.search.includes("enableAll"));
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("add a catalog reward", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/catalog");
    await page.getByRole("link", { name: "Add reward" }).click();
    await page.getByRole("heading", { name: "Add reward" }).waitFor();
    await submit(page, page.getByRole("button", { name: "Add to catalog" }));
    await page.getByText("Give the reward a name patients will recognise.").waitFor();
    await page.getByLabel("In-house prize").check();
    await page.getByLabel("Name", { exact: true }).fill(`E2E movie night for two ${run}`);
    await page.getByLabel("Point price").fill("1,500");
    await page.getByLabel("Description").fill("Two tickets at the Rialto, collected at the front desk.");
    await page.getByLabel("Image URL (optional)").fill(new URL("/admin/favicon.svg", page.url()).toString());
    await screenshot(page, "admin-catalog-new");
    await Promise.all([page.waitForURL(/\/admin\/catalog\?added=/), page.getByRole("button", { name: "Add to catalog" }).click()]);
    const row = page.getByRole("row", { name: new RegExp(`E2E movie night for two ${run}`) });
    await row.waitFor();
    expect(await row.textContent()).toContain("1,500 pts");
    expect(await row.getByRole("switch").getAttribute("aria-checked")).toBe("true");
    await screenshot(page, "admin-catalog");

    // Edit its price, switch it off, then delete it (asked once).
    await row.getByRole("link", { name: /^Edit/ }).click();
    await page.getByLabel("Point price").fill("1750");
    expect(await submit(page, page.getByRole("button", { name: "Save changes" }))).toBe(200);
    await page.getByText("Saved. Patients see the changes at once.").waitFor();
    await page.getByRole("link", { name: "Catalog" }).first().click();
    await page.waitForURL((u) => u.pathname === "/admin/catalog");
    expect(await row.textContent()).toContain("1,750 pts");
    await submit(page, row.getByRole("switch"));
    await expect.poll(() => row.getByRole("switch").getAttribute("aria-checked")).toBe("false");
    await row.locator("summary").click();
    await row.getByText(/Patients can no longer redeem it/).waitFor();
    await submit(page, row.getByRole("button", { name: "Delete reward" }));
    await page.getByText(/is deleted\. Past orders keep their history\./).waitFor();
    expect(await row.count()).toBe(0);
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("create a QR code and open its print page", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/engagement/qr-codes");
    await page.getByLabel("Code", { exact: true }).fill(`E2E-${run}`);
    await page.getByLabel("Label (optional)").fill("Waiting room poster");
    expect(await submit(page, page.getByRole("button", { name: "Create QR code" }))).toBe(200);
    await page.getByText(`QR code E2E-${run} created.`).waitFor();
    await page.getByRole("row", { name: new RegExp(`E2E-${run}`) }).waitFor();
    await page.getByRole("link", { name: "Open the print page" }).click();
    await page.getByRole("heading", { name: `Print QR code E2E-${run}` }).waitFor();
    const qr = page.locator(".qr svg");
    await qr.waitFor();
    expect(await page.locator(".url").textContent()).toMatch(/\/portal\/scan\/[A-Za-z0-9_-]+\?practice=bright-smiles$/);
    await screenshot(page, "admin-qr-print");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".sidebar").isVisible()).toBe(false);
    expect(await qr.isVisible()).toBe(true);
    await screenshot(page, "admin-qr-print-media");
    expect(w.problems).toEqual([]);
    await w.close();
  });

  test("the pages fit a laptop, a tablet in portrait and a phone", async () => {
    for (const [name, viewport] of [
      ["laptop", viewports.desktop],
      ["tablet", viewports.tabletPortrait],
      ["phone", viewports.phone],
    ] as const) {
      const w = await openPage(browser(), viewport);
      const page = await signIn(w, "/admin/rules");
      for (const path of [
        "/admin/rules",
        "/admin/programs",
        "/admin/programs/eligible-items",
        "/admin/catalog",
        "/admin/engagement/qr-codes",
      ]) {
        await page.goto(path);
        await page.waitForLoadState("networkidle");
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} scrolls sideways on a ${name}`).toBeLessThanOrEqual(0);
        if (name !== "laptop" && (path === "/admin/rules" || path === "/admin/catalog"))
          await screenshot(page, `admin-${path.split("/").pop()}-${name}`);
      }
      expect(w.problems).toEqual([]);
      await w.close();
    }
  });

  test("survey questions, coupons, referral campaigns and marketplace render and save", async () => {
    const w = await openPage(browser(), viewports.desktop);
    const page = await signIn(w, "/admin/programs/survey");
    await page.getByRole("heading", { name: "Compliance survey" }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-programs-survey");

    await page.goto("/admin/catalog/coupons");
    await page.getByText(/Coupons are discounts or freebies/).waitFor();
    await screenshot(page, "admin-catalog-coupons");

    await page.goto("/admin/engagement/referrals");
    await page.getByLabel("Name", { exact: true }).fill(`e2e-spring-${run}`);
    await page.getByRole("radio", { name: /^Seasonal/ }).check();
    await page.getByLabel("First day").fill("2026-03-01");
    await page.getByLabel("Last day").fill("2026-05-31");
    expect(await submit(page, page.getByRole("button", { name: "Create campaign" }))).toBe(200);
    await page.getByText(`Campaign “e2e-spring-${run}” created.`).waitFor();
    await page.getByRole("row", { name: new RegExp(`e2e-spring-${run}`) }).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-engagement-referrals");

    await page.goto("/admin/engagement/marketplace");
    await page.getByLabel("Kind").selectOption("social_post");
    await page.getByLabel("Title").fill(`Share your smile ${run}`);
    expect(await submit(page, page.getByRole("button", { name: "Add activity" }))).toBe(200);
    await page.getByText(`“Share your smile ${run}” added to the marketplace.`).waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-engagement-marketplace");

    await page.goto("/admin/engagement");
    await page.getByRole("heading", { name: "Referral campaigns" }).waitFor();
    expect(w.problems).toEqual([]);
    await w.close();
  });
});
