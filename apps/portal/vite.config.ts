import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vitest/config";

// Served by apps/api under /portal: the API mounts build/handler.js there, so every URL
// (pages, form actions, assets) must carry the base path.
export default defineConfig({
  plugins: [
    sveltekit({
      adapter: adapter(),
      // Content Security Policy (mode auto: nonces for SvelteKit's inline scripts on rendered
      // pages, hashes on prerendered ones). Inline style attributes (chart bars) stay allowed;
      // scripts only from this origin. Framing is refused here and by X-Frame-Options (hooks).
      csp: {
        mode: "auto",
        directives: {
          "default-src": ["self"],
          // Svelte marks server-rendered images with onload/onerror="this.__e=event" (replayed on hydration).
          "script-src": ["self", "unsafe-hashes", "sha256-7dQwUgLau1NFCCGjfn9FsYptB6ZtWxJin6VohGIu20I="],
          "style-src": ["self", "unsafe-inline"],
          "img-src": ["self", "data:", "blob:", "https:"],
          "font-src": ["self"],
          "connect-src": ["self"],
          "object-src": ["none"],
          "base-uri": ["self"],
          "form-action": ["self"],
          "frame-ancestors": ["none"],
        },
      },
      paths: { base: "/portal" },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts"],
  },
});
