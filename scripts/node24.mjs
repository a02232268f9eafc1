#!/usr/bin/env node
// Runs a TypeScript entry point on Node >= 24 (native type stripping), whatever `node` is on PATH.
// Usage: node scripts/node24.mjs FILE.ts [args...]
import { spawnSync } from "node:child_process";
import { ensureToolchain } from "./toolchain.mjs";

const PATH = ensureToolchain({ quiet: true });
const [file, ...args] = process.argv.slice(2);
const r = spawnSync("node", [file, ...args], { stdio: "inherit", env: { ...process.env, PATH } });
process.exit(r.status ?? 1);
