// Helpers shared by the tests: a connected browser, pages that fail on console errors and
// broken requests, screenshots, and the small accessibility checks every page must pass.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type ApiClient, createApiClient } from "@tally/api/client";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { screenshotDir } from "./paths.ts";

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
  tablet: { width: 1024, height: 768 },
  tabletPortrait: { width: 768, height: 1024 },
} as const;

export const baseURL = inject("baseURL");

/** Connects to the shared Chromium for the current test file. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.connect(inject("wsEndpoint"));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("browser not connected yet");
    return browser;
  };
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and failed same-origin requests seen so far. */
  problems: string[];
  /** Same-origin request paths, to check that everything stays under the app's base path. */
  requests: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number },
  options: { isMobile?: boolean; locale?: string } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL,
    viewport,
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    locale: options.locale ?? "en-US",
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  const origin = new URL(baseURL).origin;
  page.on("console", (message) => {
    // Chromium logs every 4xx/5xx fetch ("Failed to load resource"); responses are checked below instead,
    // because a form action answering 400 or 503 with a message is expected.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === origin) requests.push(url.pathname);
  });
  page.on("response", (response) => {
    const url = new URL(response.url());
    // 4xx on form posts is expected (validation); anything else broken is a bug.
    if (url.origin === origin && response.status() >= 400 && response.request().method() === "GET") {
      problems.push(`${response.status()} ${url.pathname}`);
    }
  });
  return { page, context, problems, requests, close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Inputs a person can type into that have no accessible name: should be empty. */
export async function unlabelledInputs(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")]
      .filter((el) => !(el instanceof HTMLInputElement) || !["hidden", "submit", "button", "reset"].includes(el.type))
      .filter((el) => {
        const hasLabel = (el.labels?.length ?? 0) > 0 && [...(el.labels ?? [])].some((l) => l.textContent?.trim());
        return !hasLabel && !el.getAttribute("aria-label")?.trim() && !el.getAttribute("aria-labelledby");
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

/** Tabs to the first focusable element and reports its focus outline. */
export async function firstFocusRing(page: Page): Promise<{ tag: string; style: string; width: number }> {
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  await page.keyboard.press("Tab");
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName.toLowerCase(), style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
}

/** True when the page fits the viewport: nothing to scroll either way. */
export async function fitsViewport(page: Page): Promise<{ fits: boolean; scroll: string }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    return {
      fits: root.scrollHeight <= window.innerHeight && root.scrollWidth <= window.innerWidth,
      scroll: `${root.scrollWidth}x${root.scrollHeight} in ${window.innerWidth}x${window.innerHeight}`,
    };
  });
}

/**
 * Clicks a submit button and waits for the form post. A 403 here means SvelteKit's CSRF check
 * rejected it: the origin it derived (protocol + host) did not match the browser's Origin header.
 */
export async function submit(page: Page, button: Locator): Promise<number> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST", { timeout: 15_000 }), button.click()]);
  const status = response.status();
  if (status === 403) {
    throw new Error(
      `form post to ${new URL(response.url()).pathname} was rejected as cross-site (403): ` +
        `${(await response.text()).slice(0, 120)}. The server that mounts the app must tell it the request protocol ` +
        "(adapter-node defaults to https): PROTOCOL_HEADER=x-forwarded-proto and x-forwarded-proto set on each request.",
    );
  }
  return status;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** One axe-core finding, flattened for a readable test failure. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules) on the page as it is now and returns the serious and
 * critical violations: should be empty. axe is evaluated through the DevTools protocol, so the
 * apps' Content-Security-Policy stays as it is.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Result[] }> } }).axe;
    const { violations } = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
    });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

/**
 * Visible controls smaller than `min`×`min` CSS pixels: should be empty. Links inside a sentence are
 * exempt (WCAG 2.5.8's inline exception); a hidden input's visible label counts as its target.
 */
export async function smallTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate((min) => {
    const controls = document.querySelectorAll<HTMLElement>(
      "a[href], button, input:not([type=hidden]), select, textarea, [role=button], summary",
    );
    const small: string[] = [];
    for (const el of controls) {
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || el.closest("[hidden], [inert], .visually-hidden")) continue;
      let rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      if (el.tagName === "A" && style.display === "inline" && el.parentElement && getComputedStyle(el.parentElement).display !== "flex") {
        const text = el.parentElement.textContent?.trim() ?? "";
        if (text.length > (el.textContent?.trim().length ?? 0)) continue;
      }
      const label = (el as HTMLInputElement).labels?.[0];
      if ((el.getAttribute("type") === "checkbox" || el.getAttribute("type") === "radio") && label) rect = label.getBoundingClientRect();
      if (rect.width + 0.5 < min || rect.height + 0.5 < min) {
        small.push(
          `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || (el as HTMLInputElement).name || "").trim().slice(0, 40)}" ${Math.round(rect.width)}×${Math.round(rect.height)}`,
        );
      }
    }
    return small;
  }, min);
}

/** Signs a patient in on the portal's email form and waits for their home page. */
export async function portalSignIn(page: Page, practice: string, email: string, password: string): Promise<void> {
  await page.goto(`/portal?practice=${practice}`);
  const form = page.getByRole("region", { name: "Sign in with email" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await submit(page, form.getByRole("button", { name: "Sign in" }));
  await page.waitForURL("**/portal/home");
  await page.waitForLoadState("networkidle");
}

/** An API client signed in as a staff member (by default the demo practice's admin). */
export async function staffClient(
  who: { email: string; password: string; practice?: string } = {
    email: "admin@brightsmiles.test",
    password: "demo-admin-2026",
    practice: "bright-smiles",
  },
  url = baseURL,
): Promise<ApiClient> {
  const session = await createApiClient({ url }).auth.signIn.mutate(who);
  return createApiClient({ url, headers: { cookie: `tally_staff=${session.token}` } });
}

/** A patient the staff added and invited, who accepted the invitation with a password of their own. */
export async function invitedPatient(
  staff: ApiClient,
  practice: string,
  patient: { firstName: string; lastName: string; birthday: string; email: string; password: string },
  url = baseURL,
): Promise<{ id: string; email: string; password: string; firstName: string }> {
  const { firstName, lastName, birthday, email, password } = patient;
  const member = await staff.members.create.mutate({ firstName, lastName, email, birthday });
  const { link } = await staff.members.invite.mutate({ memberId: member.id });
  const token = new URL(link).searchParams.get("token");
  if (!token) throw new Error(`no token in the invitation link ${link}`);
  await createApiClient({ url }).auth.member.acceptInvitation.mutate({ practice, token, password });
  return { id: member.id, email, password, firstName };
}

/** An API client signed in as a patient. */
export async function memberClient(practice: string, email: string, password: string, url = baseURL): Promise<ApiClient> {
  const session = await createApiClient({ url }).auth.member.signIn.mutate({ practice, email, password });
  return createApiClient({ url, headers: { cookie: `tally_member=${session.token}` } });
}
