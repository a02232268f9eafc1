// Finds (or installs into .tools/) Node 24 and pnpm, so the project runs on a machine that
// only has an old Node and npm. Runs on any Node >= 18; imports nothing outside node:*.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const toolsBin = join(root, ".tools", "bin");
export const NODE_VERSION = "24.21.0";
export const PNPM_VERSION = "12.21.0";

function versionOf(cmd) {
  try {
    return execFileSync(cmd, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
const major = (v) => Number(/^v?(\d+)/.exec(v ?? "")?.[1] ?? 0);

/** Returns a PATH with a Node >= 24 and a pnpm first, installing them into .tools when missing. */
export function ensureToolchain({ quiet = false } = {}) {
  const localNode = join(toolsBin, "node");
  const localPnpm = join(toolsBin, "pnpm");
  const haveLocal = existsSync(localNode) && existsSync(localPnpm) && major(versionOf(localNode)) >= 24;
  if (!haveLocal) {
    const systemOk = major(process.version) >= 24 && major(versionOf("pnpm")) >= 10;
    if (systemOk) return process.env.PATH;
    if (!quiet) console.error(`[tally] installing Node ${NODE_VERSION} and pnpm ${PNPM_VERSION} into .tools/ (one time)`);
    const r = spawnSync(
      "npm",
      ["install", "-g", "--prefix", join(root, ".tools"), "--no-fund", "--no-audit", `node@${NODE_VERSION}`, `pnpm@${PNPM_VERSION}`],
      { stdio: quiet ? "ignore" : "inherit" },
    );
    if (r.status !== 0 || !existsSync(localNode)) {
      throw new Error("could not install Node 24 and pnpm from the npm registry (npm install -g --prefix .tools failed)");
    }
  }
  pnpmAsFile();
  return `${toolsBin}${delimiter}${process.env.PATH ?? ""}`;
}

/** npm links .tools/bin/pnpm to the package; a small script in its place lets tools that look
 * for a regular `bin/pnpm` file (and people who add .tools/bin to PATH) find it. */
function pnpmAsFile() {
  const link = join(toolsBin, "pnpm");
  if (!existsSync(link) || !lstatSync(link).isSymbolicLink()) return;
  const target = readlinkSync(link);
  rmSync(link);
  writeFileSync(link, `#!/bin/sh\nexec "$(dirname "$0")/${target}" "$@"\n`, { mode: 0o755 });
}
