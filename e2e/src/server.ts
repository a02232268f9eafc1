// Starts the product the way `npm start` does (one Node process from the repo root) on a free port
// with a throw-away data folder, and waits until /health answers.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, resultsDir } from "./paths.ts";

export interface RunningServer {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(
  options: { timeoutMs?: number; env?: Record<string, string>; logName?: string; dataDir?: string } = {},
): Promise<RunningServer> {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24) throw new Error(`e2e needs Node 24 (server.ts runs TypeScript natively); this is Node ${process.version}`);

  const port = await freePort();
  // A folder given by the caller (one a CLI has prepared) is removed at stop like our own.
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "tally-e2e-")));
  mkdirSync(resultsDir, { recursive: true });
  const logFile = join(resultsDir, options.logName ?? "server.log");
  const log = createWriteStream(logFile);

  const child = spawn(process.execPath, ["apps/api/src/server.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      TALLY_DATA_DIR: dataDir,
      // The e2e run always uses its own embedded database, never a developer's PostgreSQL.
      DATABASE_URL: "",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
      NODE_ENV: "production",
      // Every browser and API client of the run signs in from 127.0.0.1, many times a minute.
      SIGN_IN_PER_MINUTE: "10000",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);

  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exitCode === undefined) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`the server exited with code ${exitCode} before it was healthy:\n${tail(logFile)}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { url, logFile, stop };
      lastProblem = `GET /health answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the server was not healthy in time (${lastProblem}):\n${tail(logFile)}`);
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

/**
 * Creates a practice with the operator's CLI (`tally practice create`) in a new data folder, as on an
 * empty install; answers the folder (for startServer) and the admin's temporary password.
 */
export async function cliPractice(practice: {
  name: string;
  slug: string;
  timezone: string;
  adminEmail: string;
  adminName: string;
}): Promise<{ dataDir: string; temporary: string; stdout: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), `tally-e2e-${practice.slug}-`));
  const created = spawnSync(
    process.execPath,
    [
      "scripts/tally.mjs",
      "practice",
      "create",
      "--name",
      practice.name,
      "--slug",
      practice.slug,
      "--timezone",
      practice.timezone,
      "--admin-email",
      practice.adminEmail,
      "--admin-name",
      practice.adminName,
    ],
    { cwd: repoRoot, env: { ...process.env, DATABASE_URL: "", TALLY_DATA_DIR: dataDir }, encoding: "utf8" },
  );
  if (created.status !== 0) throw new Error(`tally practice create exited ${created.status}: ${created.stderr}`);
  const temporary = /Temporary password[^:]*: (\S+)/.exec(created.stdout)?.[1];
  if (!temporary) throw new Error(`no temporary password in: ${created.stdout}`);
  return { dataDir, temporary, stdout: created.stdout };
}
