// The lint rule (biome.json, style/noRestrictedImports) that keeps every package behind its
// exports: a deep import into another package of ours fails `pnpm lint`, a package import passes.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Lints `source` as a file of apps/api/src (written for the run, then removed). */
function lint(source: string) {
  const file = `apps/api/src/deep-import-probe-${process.pid}-${randomUUID().slice(0, 8)}.ts`;
  writeFileSync(`${root}${file}`, source);
  try {
    const run = spawnSync(`${root}node_modules/.bin/biome`, ["lint", "--colors=off", file], { cwd: root, encoding: "utf8" });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(`${root}${file}`, { force: true });
  }
}

describe("deep imports into our packages", () => {
  it.each([
    // Built from parts, so this file itself holds no deep import for a search to find.
    `import { errorCodes } from "${["..", "..", "..", "packages", "core", "src", "errors.ts"].join("/")}";`,
    `import { errorCodes } from "${["@tally", "core", "src", "errors.ts"].join("/")}";`,
    `import { createApp } from "${["..", "apps", "api", "src", "app.ts"].join("/")}";`,
  ])("refuses %s", (line) => {
    const result = lint(`${line}\nexport const used = [errorCodes, createApp];\n`.replace(", createApp", ""));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/noRestrictedImports/);
  });

  it("accepts a package's exports and relative imports inside the package", () => {
    const result = lint(
      'import { errorCodes } from "@tally/core";\nimport { router } from "./trpc/init.ts";\nexport const used = [errorCodes, router];\n',
    );
    expect(result.output).not.toMatch(/noRestrictedImports/);
  });
});
