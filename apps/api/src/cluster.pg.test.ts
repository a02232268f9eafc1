// Several API processes on one PostgreSQL database, each with its read caches on (sessions, kiosk
// devices, balances...): three real servers (src/server.ts as child processes, different ports,
// the same DATABASE_URL). A change made through any of them — a staff user disabled, a kiosk
// revoked, a ledger entry written — is seen by all three at their next request: each process
// hears the others' writes (NOTIFY tally_cache) with their commit. A backtest run started through
// one of them is polled, paged and answered through the others (its row in backtest_runs).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSession, recordEvent, systemCtx } from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { members, staffUsers } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "./client.ts";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

async function healthy(url: string, child: ChildProcess, output: () => string) {
  const end = Date.now() + 90_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not start:\n${output()}`);
}

/** The tRPC error code of a failed call (UNAUTHORIZED, ...), or "ok". */
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: { data?: { code?: string } }) => e.data?.code ?? String(e),
  );

describe("three API processes on one database, caches on", () => {
  let t: TestDatabase;
  let dataDir: string;
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let practiceId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const seed = await seedDemo(t.db, { members: 3, content: "minimal" });
    practiceId = seed.practiceIds["bright-smiles"]!;
    const url = new URL(process.env.DATABASE_URL!);
    const [name] = (await t.db.execute<{ name: string }>(sql`select current_database() as name`)) as unknown as { name: string }[];
    url.pathname = `/${name!.name}`;
    dataDir = mkdtempSync(join(tmpdir(), "tally-cluster-"));
    const start = async () => {
      const port = await freePort();
      let output = "";
      const child = spawn(process.execPath, ["src/server.ts"], {
        cwd: join(import.meta.dirname, ".."),
        env: {
          ...process.env,
          DATABASE_URL: url.toString(),
          PORT: String(port),
          HOST: "127.0.0.1",
          TALLY_SEED: "never",
          TALLY_JOBS: "off",
          TALLY_DATA_DIR: dataDir,
          SESSION_SECRET: "cluster-test-secret-0123456789abcdef",
          LOG_LEVEL: "warn",
          NODE_ENV: "test",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (d) => {
        output += d;
      });
      child.stderr!.on("data", (d) => {
        output += d;
      });
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      await healthy(base, child, () => output);
      urls.push(base);
    };
    // The first one alone (it takes the advisory lock and prepares the job queue's schema).
    await start();
    await Promise.all([start(), start()]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGTERM");
            setTimeout(() => c.kill("SIGKILL"), 10_000).unref();
          }),
      ),
    );
    await t?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const staffUser = async (role: "admin" | "team_member") => {
    const [u] = await t.db
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(and(eq(staffUsers.practiceId, practiceId), eq(staffUsers.role, role)))
      .limit(1);
    return u!.id;
  };
  /** A client of process `i` signed in with this session token (staff cookie) or device token. */
  const client = (i: number, auth: { staff?: string; kiosk?: string }) =>
    createApiClient({
      url: urls[i]!,
      headers: {
        ...(auth.staff ? { cookie: `tally_staff=${auth.staff}` } : {}),
        ...(auth.kiosk ? { authorization: `Bearer ${auth.kiosk}` } : {}),
      },
    });
  const all = [0, 1, 2];

  it("a disabled staff user is refused by every process at the next request", async () => {
    const admin = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: await staffUser("admin") })).token;
    const teamMemberId = await staffUser("team_member");
    const team = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: teamMemberId })).token;
    // Each process reads (and caches) the session, twice.
    for (let round = 0; round < 2; round++)
      expect(await Promise.all(all.map((i) => outcome(client(i, { staff: team }).auth.me.query())))).toEqual(["ok", "ok", "ok"]);

    await client(0, { staff: admin }).staff.setDisabled.mutate({ staffUserId: teamMemberId, disabled: true });
    expect(await Promise.all(all.map((i) => outcome(client(i, { staff: team }).auth.me.query())))).toEqual([
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "UNAUTHORIZED",
    ]);
    // Enabled again through another process: the old session stays ended (disabling signed the
    // user out everywhere), a new one is accepted by all three.
    await client(2, { staff: admin }).staff.setDisabled.mutate({ staffUserId: teamMemberId, disabled: false });
    const again = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: teamMemberId })).token;
    expect(await Promise.all(all.map((i) => outcome(client(i, { staff: again }).auth.me.query())))).toEqual(["ok", "ok", "ok"]);
    expect(await Promise.all(all.map((i) => outcome(client(i, { staff: team }).auth.me.query())))).toEqual([
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "UNAUTHORIZED",
    ]);
  });

  it("a revoked kiosk is refused by every process at the next request", async () => {
    const admin = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: await staffUser("admin") })).token;
    const pairing = await client(0, { staff: admin }).kiosks.createPairing.mutate({ name: "Front desk" });
    const paired = await client(1, {}).checkin.pair.mutate({ code: pairing.code });
    const kiosk = paired.token;
    for (let round = 0; round < 2; round++)
      expect(await Promise.all(all.map((i) => outcome(client(i, { kiosk }).checkin.device.query())))).toEqual(["ok", "ok", "ok"]);

    await client(1, { staff: admin }).kiosks.revoke.mutate({ deviceId: pairing.deviceId });
    expect(await Promise.all(all.map((i) => outcome(client(i, { kiosk }).checkin.device.query())))).toEqual([
      "UNAUTHORIZED",
      "UNAUTHORIZED",
      "UNAUTHORIZED",
    ]);
  });

  it("a new ledger entry shows in the balance every process answers next", async () => {
    const admin = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: await staffUser("admin") })).token;
    const [member] = await t.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.practiceId, practiceId), eq(members.status, "member")))
      .limit(1);
    const memberId = member!.id;
    const balances = () =>
      Promise.all(
        all.map((i) =>
          client(i, { staff: admin })
            .ledger.balance.query({ memberId })
            .then((b) => b.balance),
        ),
      );
    const [before] = await balances();
    for (let round = 0; round < 2; round++) expect(await balances()).toEqual([before, before, before]);

    await client(2, { staff: admin }).ledger.adjust.mutate({ memberId, points: 37, note: "cluster test" });
    expect(await balances()).toEqual([before! + 37, before! + 37, before! + 37]);
    await client(0, { staff: admin }).ledger.adjust.mutate({ memberId, points: -5, note: "cluster test" });
    expect(await balances()).toEqual([before! + 32, before! + 32, before! + 32]);
  });

  it("a backtest started through one process is polled and paged through the others", async () => {
    const admin = (await createSession(t.db, { kind: "staff", practiceId, staffUserId: await staffUser("admin") })).token;
    const people = await t.db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.practiceId, practiceId), eq(members.status, "member")));
    const ctx = systemCtx(t.db, practiceId);
    const day = 86_400_000;
    const to = new Date();
    const from = new Date(to.getTime() - 30 * day);
    for (let i = 0; i < 12; i++)
      await recordEvent({
        ctx,
        input: {
          id: `cluster-bt-${i}`,
          type: "visit.checked_in",
          at: new Date(from.getTime() + (i + 1) * day).toISOString(),
          member: people[i % people.length]!.id,
        },
      });
    const source = 'reward "Visit" on visit.checked_in { award 20 points }';
    const started = await client(0, { staff: admin }).rules.backtestStart.mutate({ source, from, to });
    let progress = await client(1, { staff: admin }).rules.backtestProgress.query({ id: started.id });
    while (progress.status === "running") {
      await new Promise((r) => setTimeout(r, 50));
      progress = await client(1, { staff: admin }).rules.backtestProgress.query({ id: started.id });
    }
    expect(progress).toMatchObject({ id: started.id, status: "done", processed: started.total, error: null });
    expect(progress.result!.draft.points).toBe(12 * 20);
    expect(await client(2, { staff: admin }).rules.backtestProgress.query({ id: started.id })).toEqual(progress);
    const page = await client(2, { staff: admin }).rules.backtestMembers.query({ id: started.id, side: "draft", limit: 100 });
    expect(page.items.reduce((sum, m) => sum + m.points, 0)).toBe(12 * 20);
    // A cancel through another process answers the finished run as it is.
    expect(await client(1, { staff: admin }).rules.backtestCancel.mutate({ id: started.id })).toEqual(progress);
  });
});
