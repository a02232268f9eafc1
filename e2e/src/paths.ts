import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const e2eDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(e2eDir, "..");
export const screenshotDir = join(e2eDir, "screenshots");
export const resultsDir = join(e2eDir, "test-results");
