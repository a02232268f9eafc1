import { fileURLToPath } from "node:url";
import { paraglideVitePlugin } from "@inlang/paraglide-js";
import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { pageCsp } from "@tally/ui/csp";
import { messagesComplete } from "@tally/ui/messages";
import { defineConfig } from "vitest/config";

// Served by apps/api under /portal: the API mounts build/handler.js there, so every URL
// (pages, form actions, assets) must carry the base path.
export default defineConfig({
  plugins: [
    // Screen texts: messages/<locale>.json compiled to src/lib/paraglide (generated, not committed).
    // The page's language is the app's own choice (hooks.server.ts), not Paraglide's cookie or URL.
    messagesComplete(fileURLToPath(new URL(".", import.meta.url))),
    // Unit tests use no screen text; the compiler's project store would keep vitest from exiting.
    process.env.VITEST
      ? null
      : paraglideVitePlugin({
          project: "./project.inlang",
          outdir: "./src/lib/paraglide",
          strategy: ["custom-screen", "baseLocale"],
          isServer: "import.meta.env.SSR",
        }),
    sveltekit({
      adapter: adapter(),
      // Content Security Policy: one for the three apps (@tally/ui/csp).
      csp: pageCsp,
      paths: { base: "/portal" },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts"],
  },
});
