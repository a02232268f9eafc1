// The embedded database (PGlite) opens in one process only: the server leaves its pid in the data
// folder while it runs, and the operator's CLI refuses to open the folder beside a live server.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const fileOf = (dataDir: string) => join(dataDir, "server.pid");

export function writePidFile(dataDir: string): () => void {
  const file = fileOf(dataDir);
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

/** The pid of a live server on this data folder, if any (a stale file is ignored). */
export function runningServerPid(dataDir: string): number | null {
  const file = fileOf(dataDir);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}
