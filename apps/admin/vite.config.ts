import { fileURLToPath } from "node:url";
import { paraglideVitePlugin } from "@inlang/paraglide-js";
import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { pageCsp } from "@tally/ui/csp";
import { messagesComplete } from "@tally/ui/messages";
import { defineConfig } from "vitest/config";

// Served by apps/api under /admin: the API mounts build/handler.js there, so every URL
// (pages, form actions, assets) must carry the base path.
export default defineConfig({
  plugins: [
    // Screen texts: messages/<locale>.json compiled to src/lib/paraglide (generated, not committed).
    // A second staff language is its messages file and its name in project.inlang/settings.json;
    // the page's language is then the browser's (routes/+layout.server.ts), through #lib/locale.
    messagesComplete(fileURLToPath(new URL(".", import.meta.url))),
    paraglideVitePlugin({
      project: "./project.inlang",
      outdir: "./src/lib/paraglide",
      strategy: ["custom-screen", "baseLocale"],
      isServer: "import.meta.env.SSR",
    }),
    sveltekit({
      adapter: adapter(),
      // Content Security Policy: one for the three apps (@tally/ui/csp).
      csp: pageCsp,
      // Absolute URLs: the same links work from every depth, including /admin itself.
      paths: { base: "/admin", relative: false },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts"],
  },
});
