// Every page under an admin-only area of the navigation refuses team members with requireAdmin
// (the styled 403 of (app)/+error.svelte), so no admin-only page is reachable by typing its URL.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { navItems } from "./nav.ts";

const routes = join(import.meta.dirname, "../routes/(app)");
const adminOnly = navItems.filter((i) => i.adminOnly).map((i) => i.href);
/** Admin-only pages inside areas team members may use. */
const alsoAdminOnly = ["/engagement/qr-codes"];

function pageServers(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pageServers(path);
    return name === "+page.server.ts" ? [path] : [];
  });
}

describe("admin-only pages", () => {
  const pages = pageServers(routes).map((file) => ({ file, url: `/${relative(routes, file).replace(/\/?\+page\.server\.ts$/, "")}` }));
  const guarded = pages.filter(({ url }) => [...adminOnly, ...alsoAdminOnly].some((p) => url === p || url.startsWith(`${p}/`)));

  it("finds the admin-only areas", () => {
    expect(guarded.length).toBeGreaterThanOrEqual(10);
  });

  it.each(guarded.map((g) => [g.url, g.file]))("%s calls requireAdmin in its load", (_url, file) => {
    expect(readFileSync(file, "utf8")).toMatch(/requireAdmin\(event, "[^"]+"\)/);
  });
});
