// Settings → API keys and Webhooks, end to end in Chromium: a key with chosen scopes shown once,
// working against the REST API within its scopes, rotated (the old key still works during the
// overlap) and revoked; a webhook endpoint added with its secret shown once, the delivery log
// listing the message an invoice produced; the API reference page renders from the install itself.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { baseURL, openPage, screenshot, submit, unlabelledInputs, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();
const admin = { email: "admin@brightsmiles.test", password: "demo-admin-2026" };

async function signIn(page: Page) {
  await page.goto("/admin/sign-in");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await submit(page, page.getByRole("button", { name: "Sign in" }));
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
}

const rest = (path: string, key: string, init: RequestInit = {}) =>
  fetch(`${baseURL}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
  });

describe("integrations in Settings", () => {
  test("an API key with chosen scopes: shown once, limited to them, rotated with an overlap, revoked", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page);
    await page.goto("/admin/settings?tab=keys");
    await page.waitForLoadState("networkidle");
    const name = `Reader ${Date.now()}`;
    await page.getByLabel("Key name").fill(name);
    for (const box of await page.getByRole("checkbox").all()) await box.uncheck();
    await page.getByRole("checkbox", { name: /Read members/ }).check();
    await page.getByLabel("Requests a minute").fill("120");
    await submit(page, page.getByRole("button", { name: "Create key" }));
    const shown = page.locator("code.secret");
    await shown.waitFor();
    const key = (await shown.textContent())!.trim();
    expect(key).toMatch(/^tly_/);
    const row = page.getByRole("row", { name: new RegExp(name) });
    await row.waitFor();
    expect(await row.textContent()).toContain("120 a minute");
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-settings-keys");

    const read = await rest("/members?limit=1", key);
    expect(read.status).toBe(200);
    expect(read.headers.get("ratelimit-policy")).toBe('"per-key";q=120;w=60');
    const write = await rest("/invoices", key, { method: "POST", body: JSON.stringify({ invoices: [] }) });
    expect(write.status).toBe(403);

    // The list no longer shows the key itself, only its prefix.
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(await page.locator("code.secret").count()).toBe(0);

    await row.getByRole("button", { name: "Rotate" }).click();
    await submit(page, page.getByRole("dialog").getByRole("button", { name: "Rotate" }));
    await shown.waitFor();
    const rotated = (await shown.textContent())!.trim();
    expect(rotated).not.toBe(key);
    await page.getByText(/keeps working until/).waitFor();
    expect((await rest("/members?limit=1", key)).status).toBe(200);
    expect((await rest("/members?limit=1", rotated)).status).toBe(200);
    await screenshot(page, "admin-settings-keys-rotated");

    const newRow = page
      .getByRole("row", { name: new RegExp(name) })
      .filter({ hasNot: page.getByText(/Replaced: works until/) })
      .first();
    await newRow.getByRole("button", { name: "Revoke" }).click();
    await submit(page, page.getByRole("dialog").getByRole("button", { name: "Revoke" }));
    await page.getByText("The key is revoked").waitFor();
    expect((await rest("/members?limit=1", rotated)).status).toBe(401);
    expect(problems).toEqual([]);
    await close();
  });

  test("a webhook endpoint: secret shown once, an invoice's message in the delivery log", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await signIn(page);
    await page.goto("/admin/settings?tab=webhooks");
    await page.waitForLoadState("networkidle");
    const url = `https://pms-${Date.now()}.example.com/tally`;
    await page.getByLabel("Address").fill(url);
    await page.getByRole("checkbox", { name: "points.awarded" }).check();
    await submit(page, page.getByRole("button", { name: "Add webhook" }));
    const secret = page.locator("code.secret");
    await secret.waitFor();
    expect((await secret.textContent())!.trim()).toMatch(/^whsec_/);
    await page.getByRole("row", { name: new RegExp(url.replaceAll(".", "\\.")) }).waitFor();

    // The practice-management system posts an invoice: the endpoint gets a points.awarded message.
    await page.goto("/admin/settings?tab=keys");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Key name").fill(`PMS ${Date.now()}`);
    await submit(page, page.getByRole("button", { name: "Create key" }));
    await page.locator("code.secret").waitFor();
    const key = (await page.locator("code.secret").textContent())!.trim();
    const posted = await rest("/invoices", key, {
      method: "POST",
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: "PMS-10000",
            invoiceId: `hook-${Date.now()}`,
            date: new Date().toISOString(),
            status: "paid",
            lines: [{ code: "CLEAN", amount: "200.00" }],
          },
        ],
      }),
    });
    expect(posted.status).toBe(200);

    await page.goto("/admin/settings?tab=webhooks");
    await page.waitForLoadState("networkidle");
    await page.getByRole("cell", { name: "points.awarded" }).first().waitFor();
    expect(await unlabelledInputs(page)).toEqual([]);
    await screenshot(page, "admin-settings-webhooks");

    const endpointRow = page.getByRole("row", { name: new RegExp(url.replaceAll(".", "\\.")) });
    await endpointRow.getByRole("button", { name: "Remove" }).click();
    await submit(page, page.getByRole("dialog").getByRole("button", { name: "Remove" }));
    await page.getByText("The webhook is removed").waitFor();
    expect(problems).toEqual([]);
    await close();
  });

  test("the API reference page renders from the install itself", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    const elsewhere: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== new URL(baseURL).origin && !r.url().startsWith("data:")) elsewhere.push(r.url());
    });
    await page.goto("/api/v1/docs");
    await page.getByText("Tally API").first().waitFor({ timeout: 30_000 });
    await page.getByText("Search members").first().waitFor();
    await screenshot(page, "api-reference");
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });
});
