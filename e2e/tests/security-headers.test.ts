// Every app's pages carry a Content Security Policy (SvelteKit's nonces for its own scripts), refuse
// framing and MIME sniffing, and are not stored once someone is signed in; the pages still work in
// Chromium under that policy (a violation is a console error, which openPage records).
import { describe, expect, test } from "vitest";
import { baseURL, openPage, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();

function expectSecured(headers: Record<string, string>, where: string) {
  const csp = headers["content-security-policy"] ?? "";
  // Scripts: this origin and SvelteKit's nonce; the one inline handler allowed is Svelte's image
  // hydration marker (onload/onerror="this.__e=event"), by its hash.
  expect(csp, where).toMatch(/script-src 'self' ('unsafe-hashes' 'sha256-7dQwUgLau1NFCCGjfn9FsYptB6ZtWxJin6VohGIu20I=' )?'nonce-[^']+'/);
  expect(csp, where).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(csp, where).toMatch(/frame-ancestors 'none'/);
  expect(csp, where).toMatch(/object-src 'none'/);
  expect(headers["x-frame-options"], where).toBe("DENY");
  expect(headers["x-content-type-options"], where).toBe("nosniff");
}

describe("security headers on the apps' pages", () => {
  test("admin: sign-in and the signed-in dashboard run under the CSP; signed-in pages are not stored", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    const signInPage = await page.goto("/admin/sign-in");
    expectSecured(signInPage!.headers(), "/admin/sign-in");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill("admin@brightsmiles.test");
    await page.getByLabel("Password").fill("demo-admin-2026");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    const dashboard = await page.goto("/admin");
    expectSecured(dashboard!.headers(), "/admin");
    expect(dashboard!.headers()["cache-control"]).toBe("no-store");
    await page.waitForLoadState("networkidle");
    // Client-side navigation (hydrated scripts) still works.
    await page.getByRole("link", { name: "Reports" }).first().click();
    await page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  test("portal and kiosk pages run under the CSP", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.phone, { isMobile: true });
    const portal = await page.goto("/portal");
    expectSecured(portal!.headers(), "/portal");
    await page.waitForLoadState("networkidle");
    const kiosk = await page.goto("/kiosk");
    expectSecured(kiosk!.headers(), "/kiosk");
    expect(kiosk!.headers()["cache-control"]).toBe("no-store");
    await page.waitForLoadState("networkidle");
    expect(problems).toEqual([]);
    await close();
  });

  test("a page cannot be framed by another site", async () => {
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.setContent(`<iframe src="${baseURL}/admin/sign-in"></iframe>`);
    await page.waitForTimeout(500);
    const framed = page.frames().find((f) => f.url().includes("/admin/sign-in"));
    const loaded = framed ? await framed.evaluate(() => document.body?.textContent ?? "").catch(() => "") : "";
    expect(loaded).not.toMatch(/Sign in/);
    // Chromium reports the refusal on the console: that is the expected outcome here.
    expect(problems.every((p) => /frame|ancestor/i.test(p))).toBe(true);
    await close();
  });
});
