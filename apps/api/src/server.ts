// Serves the whole product from one process: API (/trpc, /health, /api) and the three
// SvelteKit apps under /admin, /portal and /kiosk. Migrates on start and seeds the demo once.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getRequestListener } from "@hono/node-server";
import { issueSetupToken } from "@tally/core";
import { demoLogins, seedDemo } from "@tally/core/seed";
import { createDatabase } from "@tally/db";
import { createApp, inProcessFetch } from "./app.ts";
import { registerInProcessApi } from "./client.ts";
import { configFromEnv } from "./config.ts";
import { readEnv, repoRoot } from "./env.ts";
import { ProxyTrust } from "./http/client-address.ts";
import { spoolDirFor } from "./jobs/runtime.ts";
import { createLogger } from "./logger.ts";
import { createMailer } from "./mail.ts";
import { writePidFile } from "./pid-file.ts";

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
const appNames = ["admin", "portal", "kiosk"] as const;
/** Carries the client's address from this listener to adapter-node's getClientAddress(). */
const clientAddressHeader = "x-tally-client-address";

async function loadAppHandlers(log: ReturnType<typeof createLogger>) {
  const handlers = new Map<string, NodeHandler>();
  for (const name of appNames) {
    const file = join(repoRoot, "apps", name, "build", "handler.js");
    if (!existsSync(file)) {
      log.warn({ app: name }, `apps/${name} is not built; run the build first`);
      continue;
    }
    const mod = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
    handlers.set(`/${name}`, mod.handler);
  }
  return handlers;
}

export async function main() {
  const env = readEnv();
  const log = createLogger(env.LOG_LEVEL);
  const database = createDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.TALLY_DATA_DIR });
  await database.migrate();
  // The operator's CLI must not open the embedded database while this process has it open.
  const removePidFile = database.kind === "pglite" ? writePidFile(env.TALLY_DATA_DIR) : () => {};
  // Read caches (sessions, kiosks, balances...) on; on PostgreSQL every server of the database
  // hears the others' writes (NOTIFY tally_cache). The first server also sweeps the upload folder.
  const exclusive = await database.claimExclusive();
  if (!exclusive) log.info("another Tally server uses this database: caches follow its writes by NOTIFY");
  if (env.TALLY_SEED === "auto") {
    const seed = await seedDemo(database.db);
    if (seed.seeded) log.info({ practices: Object.keys(seed.practiceIds) }, "seeded the demo practices");
  }

  const mailer = createMailer(database.db, { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM });
  // Jobs (pg-boss): uploads and dead letters in every process; with TALLY_JOBS=on also the
  // background queues and the schedules. Starting sweeps the upload spool folder.
  const app = createApp({
    database,
    log,
    config: configFromEnv(env),
    mailer,
    jobs: { background: env.TALLY_JOBS === "on", spoolDir: spoolDirFor(database, env.TALLY_DATA_DIR), exclusive },
  });
  await app.deps.jobs.start();
  const api = getRequestListener(app.fetch);
  const server = createServer();
  // The apps' server-side calls are handed to the app in this process (no socket), unless
  // TALLY_API_URL sends them to another API.
  const own = `http://127.0.0.1:${env.PORT}`;
  process.env.TALLY_API_URL ??= own;
  registerInProcessApi({ origin: own, fetch: inProcessFetch(app) });
  // The browser's address as the apps see it (getClientAddress()): the socket's peer, or what
  // the proxies TRUST_PROXY names forwarded. Written here over whatever the request carried.
  const trust = new ProxyTrust(env.TRUST_PROXY);
  process.env.ADDRESS_HEADER = clientAddressHeader;
  // adapter-node assumes https unless a protocol header says otherwise; tell it what we serve,
  // so SvelteKit's same-origin check on form posts compares against the real origin.
  process.env.PROTOCOL_HEADER ??= "x-forwarded-proto";
  const protocol = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).protocol.slice(0, -1) : "http";
  const handlers = await loadAppHandlers(log);

  server.on("request", (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const prefix = `/${path.split("/")[1] ?? ""}`;
    const handler = handlers.get(prefix);
    if (handler) {
      req.headers["x-forwarded-proto"] = protocol;
      const forwarded = req.headers["x-forwarded-for"];
      req.headers[clientAddressHeader] = trust.clientAddress(
        req.socket.remoteAddress ?? "local",
        Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
      );
      handler(req, res, () => api(req, res));
    } else api(req, res);
  });

  await new Promise<void>((resolveListen) => server.listen(env.PORT, env.HOST, resolveListen));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const base = env.PUBLIC_URL ?? `http://localhost:${port}`;
  log.info({ port, database: database.kind }, "tally is listening");
  // An empty install (TALLY_SEED=never): the first-run setup page opens with a one-time token
  // printed here (only its hash is stored; a restart prints a new one).
  const setup = await issueSetupToken(database.db);
  if (setup) {
    log.warn({ expiresAt: setup.expiresAt }, "no practice yet: open the setup link printed on the console");
    console.log(
      [
        "",
        "This install has no practice yet. Set it up in the admin app (the link works once, for 24 hours):",
        `  ${base}/admin/setup?token=${setup.token}`,
        "or create one from the command line while the server is stopped: pnpm tally practice create --help",
        "",
      ].join("\n"),
    );
  }
  if (process.stdout.isTTY || process.env.TALLY_BANNER === "1") {
    console.log(
      [
        "",
        `Tally is running (${database.kind === "pglite" ? `embedded database in ${env.TALLY_DATA_DIR}` : "PostgreSQL"})`,
        `  Admin   ${base}/admin`,
        `  Portal  ${base}/portal`,
        `  Kiosk   ${base}/kiosk`,
        `  API     ${base}/trpc   Health ${base}/health`,
        ...(env.TALLY_SEED === "auto"
          ? ["Demo logins (admin app):", ...demoLogins.map((l) => `  ${l.email} / ${l.password}  (${l.role}, ${l.practice})`)]
          : []),
        "",
      ].join("\n"),
    );
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    server.close(async () => {
      await app.deps.jobs.stop();
      mailer.close();
      await database.close();
      removePidFile();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  return { server, port, database };
}

if (import.meta.main) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
