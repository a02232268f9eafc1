// One product server and one Chromium for the whole run; tests reach them through inject().
// Set TALLY_E2E_BASE_URL to test an already running server instead of starting one.
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { assertChromium, chromiumArgs, chromiumPath } from "./browser.ts";
import { startServer } from "./server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    wsEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  assertChromium();
  const external = process.env.TALLY_E2E_BASE_URL?.replace(/\/$/, "");
  const server = external ? null : await startServer();
  const browserServer = await chromium.launchServer({ executablePath: chromiumPath, args: chromiumArgs }).catch(async (error: unknown) => {
    await server?.stop();
    throw error;
  });

  project.provide("baseURL", external ?? server!.url);
  project.provide("wsEndpoint", browserServer.wsEndpoint());

  return async () => {
    await browserServer.close();
    await server?.stop();
  };
}
