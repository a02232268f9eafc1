// The machine's Chromium, driven by playwright-core (no browser download: Playwright's own
// browser builds cannot be fetched here).
import { existsSync } from "node:fs";

export const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function assertChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install it with \`apt-get install -y chromium\` ` +
        "(the project setup does this) or point CHROMIUM_PATH at a Chromium binary.",
    );
  }
}
