import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["./src/global-setup.ts"],
    // A cold start migrates and seeds the database and a browser does real work on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One server and one browser are shared; files run one after another to keep timings stable.
    fileParallelism: false,
  },
});
