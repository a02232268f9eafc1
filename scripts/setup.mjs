#!/usr/bin/env node
// `npm start` and `npm test`: provision the toolchain, install, build, then run or test.
// Runs on the machine's Node (any >= 18); everything after provisioning runs on Node 24.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { ensureToolchain, root } from "./toolchain.mjs";

const command = process.argv[2];
const PATH = ensureToolchain();
const env = { ...process.env, PATH, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
const say = (msg) => console.error(`[tally] ${msg}`);

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...env, ...extraEnv } });
  if (r.status !== 0) {
    say(`failed: ${cmd} ${args.join(" ")}`);
    process.exit(r.status ?? 1);
  }
}

function install() {
  run("pnpm", ["install", ...(process.env.CI ? ["--frozen-lockfile"] : []), "--reporter=append-only"]);
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path)) return;
  say("Chromium is missing: installing it from Debian's packages (apt-get install chromium)");
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const apt = (args) =>
    spawnSync(asRoot[0] ?? "apt-get", [...asRoot.slice(1), ...(asRoot.length ? ["apt-get"] : []), ...args], {
      stdio: "inherit",
      env: { ...env, DEBIAN_FRONTEND: "noninteractive" },
    });
  if (apt(["update"]).status !== 0 || apt(["install", "-y", "--no-install-recommends", "chromium"]).status !== 0 || !existsSync(path)) {
    say("could not install Chromium; the end-to-end tests need /usr/bin/chromium (or CHROMIUM_PATH)");
    process.exit(1);
  }
}

/** PostgreSQL for the database pass: DATABASE_URL, or the machine's server at 127.0.0.1:5432. */
async function postgresUrl() {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const reachable = await new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 5432 });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
  return reachable ? "postgres://postgres@127.0.0.1:5432/test" : undefined;
}

if (command === "start") {
  install();
  run("pnpm", ["turbo", "run", "build", "--output-logs=errors-only"]);
  run("node", [join("apps", "api", "src", "server.ts")], { TALLY_BANNER: "1" });
} else if (command === "test") {
  install();
  ensureChromium();
  // Format and lint, unit and integration tests on the embedded database, type checks, then
  // end-to-end in Chromium.
  run("pnpm", ["lint"]);
  run("pnpm", ["turbo", "run", "check", "test", "--output-logs=new-only", "--concurrency=2", "--continue"], { DATABASE_URL: "" });
  run("pnpm", ["turbo", "run", "e2e", "--output-logs=new-only"], { DATABASE_URL: "" });
  // The database-backed tests again on PostgreSQL, including the concurrency and locking suites.
  const url = await postgresUrl();
  if (url) {
    say(`database tests on PostgreSQL (${url.replace(/\/\/[^@]*@/, "//")})`);
    // Each test file has its own database (copied from a migrated template), so packages run side by side.
    // `--only`: the builds of the steps above stand. Without it turbo rebuilt the apps here (the
    // database URL is part of a build's hash) while the page benchmark's server was loading them.
    run("pnpm", ["turbo", "run", "test:pg", "--only", "--output-logs=new-only", "--concurrency=2", "--continue"], { DATABASE_URL: url });
  } else if (process.env.CI) {
    say("PostgreSQL is not reachable at 127.0.0.1:5432 and DATABASE_URL is not set: the PostgreSQL pass cannot run");
    process.exit(1);
  } else {
    say("PostgreSQL not reachable: the PostgreSQL pass did not run (set DATABASE_URL to run it)");
  }
  say("all tests passed");
} else {
  console.error("usage: node scripts/setup.mjs start|test");
  process.exit(2);
}
