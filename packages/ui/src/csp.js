// The Content Security Policy of the three apps' pages, in one place (each app's vite.config.ts
// passes it to SvelteKit's `kit.csp`). Mode auto: nonces for SvelteKit's inline scripts on rendered
// pages, hashes on prerendered ones. Scripts only from this origin, plus the one inline handler
// Svelte writes on server-rendered images (onload/onerror="this.__e=event", replayed on
// hydration), allowed by its hash. Inline style attributes (chart bars) stay allowed; catalog
// images may come from https hosts the practice chose. Framing is refused here and by
// X-Frame-Options (hooks). A plain .js file: vite loads it with the config, before any build.

/** @type {{ mode: "auto"; directives: Record<string, string[]> }} */
export const pageCsp = {
  mode: "auto",
  directives: {
    "default-src": ["self"],
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
};
