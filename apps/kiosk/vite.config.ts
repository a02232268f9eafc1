import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { pageCsp } from "@tally/ui/csp";
import { defineConfig } from "vitest/config";

// Served by apps/api under /kiosk: the API mounts build/handler.js there, so every URL
// (pages, form actions, assets) must carry the base path.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      // Content Security Policy: one for the three apps (@tally/ui/csp).
      csp: pageCsp,
      // Absolute URLs: server redirects and links mean the same thing from every depth and from data requests.
      paths: { base: "/kiosk", relative: false },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts"],
  },
});
