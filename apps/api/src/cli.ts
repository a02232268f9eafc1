#!/usr/bin/env node
// Practice administration for the operator: `pnpm tally practice create|list|default`. Kept apart
// from the rules CLI (packages/rules stays pure); runs against DATABASE_URL or the embedded
// database in TALLY_DATA_DIR, which only one process may open: stop the server first (it leaves a
// server.pid in the data folder while it runs, and this refuses to start beside it).
import { parseArgs } from "node:util";
import { createPractice, isDomainError, listAllPractices, rebuildPracticeStates, setDefaultPracticeBySlug, systemCtx } from "@tally/core";
import { createDatabase } from "@tally/db";
import { readEnv } from "./env.ts";
import { runningServerPid } from "./pid-file.ts";

const usage = `usage:
  tally practice create --name NAME --slug SLUG --timezone IANA --admin-email EMAIL [--admin-name NAME]
      creates a practice and its first admin; prints the admin's temporary password once
      (they choose their own at first sign-in)
  tally practice list                      the practices of this install
  tally practice default --slug SLUG       the practice the portal and kiosk open with
  tally practice rebuild-states [--slug SLUG]
      rebuilds members' engine states by replaying their recorded events (every practice, or one);
      the ledger is not touched, and running it again gives the same states

Uses DATABASE_URL when set, else the embedded database in TALLY_DATA_DIR (default .data/).
The embedded database opens in one process only: stop the server first.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(argv: string[]) {
  const [area, verb, ...rest] = argv;
  if (area !== "practice" || !verb || verb === "--help" || verb === "help") fail(usage, area === "practice" && verb ? 0 : 2);
  const { values } = (() => {
    try {
      return parseArgs({
        args: rest,
        options: {
          name: { type: "string" },
          slug: { type: "string" },
          timezone: { type: "string" },
          "admin-email": { type: "string" },
          "admin-name": { type: "string" },
          help: { type: "boolean" },
        },
        strict: true,
      });
    } catch (error) {
      fail(`${(error as Error).message}\n\n${usage}`);
    }
  })();
  if (values.help) fail(usage, 0);

  const env = readEnv();
  if (!env.DATABASE_URL) {
    const pid = runningServerPid(env.TALLY_DATA_DIR);
    if (pid)
      fail(
        `A Tally server (pid ${pid}) is using the embedded database in ${env.TALLY_DATA_DIR}; it can be opened by one process only.\nStop the server, run this again, then start the server.`,
        1,
      );
  }
  const database = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.TALLY_DATA_DIR });
  try {
    await database.migrate();
    const db = database.db;
    if (verb === "create") {
      const missing = (["name", "slug", "timezone", "admin-email"] as const).filter((k) => !values[k]);
      if (missing.length) fail(`missing ${missing.map((m) => `--${m}`).join(", ")}\n\n${usage}`);
      const result = await createPractice({
        ctx: systemCtx(db, "00000000-0000-0000-0000-000000000000"),
        input: {
          name: values.name!,
          slug: values.slug!,
          timezone: values.timezone!,
          adminEmail: values["admin-email"]!,
          adminName: values["admin-name"],
        },
      });
      process.stdout.write(
        [
          `Created ${result.practice.name} (${result.practice.slug}, ${result.practice.timezone}); the program starts in test mode.`,
          `Admin: ${result.admin.email}`,
          `Temporary password (shown once; they set their own at first sign-in): ${result.temporaryPassword}`,
          "",
        ].join("\n"),
      );
    } else if (verb === "list") {
      const rows = await listAllPractices(db);
      if (rows.length === 0) process.stdout.write("No practices yet. Create one with: pnpm tally practice create --help\n");
      for (const p of rows) process.stdout.write(`${p.slug}\t${p.name}\t${p.timezone}\t${p.status}${p.isDefault ? "\tdefault" : ""}\n`);
    } else if (verb === "rebuild-states") {
      const all = await listAllPractices(db);
      const chosen = values.slug ? all.filter((p) => p.slug === values.slug) : all;
      if (values.slug && chosen.length === 0) fail(`no practice ${values.slug}`, 1);
      for (const p of chosen) {
        const n = await rebuildPracticeStates(db, systemCtx(db, p.id));
        process.stdout.write(`${p.slug}\t${n} member${n === 1 ? "" : "s"} rebuilt\n`);
      }
    } else if (verb === "default") {
      if (!values.slug) fail(`missing --slug\n\n${usage}`);
      await setDefaultPracticeBySlug(db, values.slug);
      process.stdout.write(`The portal and kiosk now open with ${values.slug} (TALLY_PRACTICE, when set, still wins).\n`);
    } else fail(usage);
  } catch (error) {
    if (isDomainError(error)) fail(error.message, 1);
    throw error;
  } finally {
    await database.close();
  }
}

// Run directly or through scripts/tally.mjs (an import, where import.meta.main is false).
main(process.argv.slice(2)).catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error), 1));
