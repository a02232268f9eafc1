// API load benchmark: autocannon (100 connections, loopback) against balance lookup and kiosk
// check-in on the embedded database (PGlite) and on PostgreSQL, beside a bare Hono JSON endpoint
// measured in the same run. The servers run in a child process so autocannon does not share
// their event loop.
//
//   node bench/api.bench.ts                         # PGlite, plus PostgreSQL when DATABASE_URL is set
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/api.bench.ts --duration 10
import { type ChildProcess, fork } from "node:child_process";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "100" },
    engines: { type: "string", default: process.env.DATABASE_URL ? "pglite,postgres" : "pglite" },
    targets: { type: "string", default: "bare,balance,checkin" },
    serve: { type: "string" },
    /** Write a CPU profile of the server process into this folder (node --cpu-prof). */
    "cpu-prof": { type: "string" },
  },
});

interface Ready {
  apiPort: number;
  barePort: number;
  staffCookie: string;
  kioskToken: string;
  memberId: string;
  cards: string[];
}

// ---------------------------------------------------------------- server (child process)
async function serve(engine: "pglite" | "postgres") {
  const { serve: listen } = await import("@hono/node-server");
  const { Hono } = await import("hono");
  const { createDatabase } = await import("@tally/db");
  const { createTestDatabase } = await import("@tally/db/testing");
  const { seedDemo, demoLogins } = await import("@tally/core/seed");
  const { createApp } = await import("@tally/api/app");
  const { createLogger } = await import("@tally/api/logger");

  const database =
    engine === "postgres" ? await createTestDatabase({ max: 10 }) : Object.assign(createDatabase(), { dispose: async () => {} });
  if (engine === "pglite") await database.migrate();
  // As the production server does (apps/api/src/server.ts): the one server of this database.
  await database.claimExclusive();
  await seedDemo(database.db, { members: 200 });
  const unlimited = { max: Number.MAX_SAFE_INTEGER, windowMs: 60_000 };
  const app = createApp({
    database,
    log: createLogger("silent"),
    config: { rateLimits: { signIn: unlimited, identify: unlimited, pair: unlimited } },
  });

  const bare = new Hono();
  bare.get("/bare", (c) => c.json({ ok: true, at: Date.now() }));

  const api = listen({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  const bareServer = listen({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => setTimeout(r, 100));
  const apiPort = (api.address() as { port: number }).port;
  const barePort = (bareServer.address() as { port: number }).port;

  const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${apiPort}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const login = demoLogins[0];
  const signIn = await call("auth.signIn", { email: login.email, password: login.password });
  const staffCookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
  const pairing = (await (await call("kiosks.createPairing", { name: "bench" }, { cookie: staffCookie })).json()) as {
    result: { data: { code: string } };
  };
  const paired = (await (await call("checkin.pair", { code: pairing.result.data.code })).json()) as { result: { data: { token: string } } };
  const rows = await database.db.query.members.findMany({ where: (m, { eq }) => eq(m.externalId, "PMS-10000") });
  const all = await database.db.query.members.findMany({ columns: { cardNumber: true, practiceId: true } });
  const ready: Ready = {
    apiPort,
    barePort,
    staffCookie,
    kioskToken: paired.result.data.token,
    memberId: rows[0]!.id,
    cards: all.filter((m) => m.practiceId === rows[0]!.practiceId && m.cardNumber).map((m) => m.cardNumber!),
  };
  process.send!(ready);
  process.on("message", async (m) => {
    if (m === "cpu") process.send!({ cpu: process.cpuUsage() });
    if (m === "stop") {
      api.close();
      bareServer.close();
      // Let the requests autocannon abandoned finish before the pool closes.
      await new Promise((r) => setTimeout(r, 1000));
      await database.dispose().catch(() => {});
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------- driver
interface Figure {
  engine: string;
  target: string;
  rps: number;
  /** Server process CPU time (user + system) per request, in microseconds: robust to other load. */
  cpuUs: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

let server: ChildProcess | undefined;
const serverCpu = () =>
  new Promise<number>((resolve) => {
    server!.once("message", (m) => {
      const { user, system } = (m as { cpu: NodeJS.CpuUsage }).cpu;
      resolve(user + system);
    });
    server!.send("cpu");
  });

async function run(title: string, opts: autocannon.Options): Promise<Omit<Figure, "engine" | "target">> {
  // A short warm-up so JIT and connection pools are settled before the measured run.
  await autocannon({ ...opts, duration: 2 });
  const cpuBefore = await serverCpu();
  const r = await autocannon(opts);
  const cpuUs = Math.round((await serverCpu()) - cpuBefore) / Math.max(1, r.requests.total);
  console.error(
    `  ${title}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}, server CPU ${cpuUs.toFixed(0)} µs/request`,
  );
  return {
    rps: Math.round(r.requests.average),
    cpuUs: Math.round(cpuUs),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

async function bench(engine: "pglite" | "postgres"): Promise<Figure[]> {
  const child: ChildProcess = fork(import.meta.filename, ["--serve", engine], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: args["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${args["cpu-prof"]}`] : [],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once("message", (m) => resolve(m as Ready));
    server = child;
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  const duration = Number(args.duration);
  const connections = Number(args.connections);
  console.error(`${engine}:`);
  const figures: Figure[] = [];

  const targets = new Set(args.targets!.split(","));
  if (targets.has("bare"))
    figures.push({
      engine,
      target: "bare Hono JSON",
      ...(await run("bare", { url: `http://127.0.0.1:${ready.barePort}/bare`, connections, duration })),
    });

  const balanceInput = encodeURIComponent(JSON.stringify({ memberId: ready.memberId }));
  if (targets.has("balance"))
    figures.push({
      engine,
      target: "balance lookup (ledger.balance)",
      ...(await run("balance", {
        url: `http://127.0.0.1:${ready.apiPort}/trpc/ledger.balance?input=${balanceInput}`,
        connections,
        duration,
        headers: { cookie: ready.staffCookie },
      })),
    });

  let i = 0;
  if (targets.has("checkin"))
    figures.push({
      engine,
      target: "kiosk check-in (kioskCheckin.checkIn)",
      ...(await run("check-in", {
        // The procedure the kiosk app calls (identification, the visit, the welcome and a survey ticket).
        url: `http://127.0.0.1:${ready.apiPort}/trpc/checkin.byKiosk`,
        connections,
        duration,
        method: "POST",
        headers: { authorization: `Bearer ${ready.kioskToken}`, "content-type": "application/json" },
        // Every request checks a different patient in (round robin over the practice's cards).
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ method: "card", cardNumber: ready.cards[i++ % ready.cards.length] }),
            }),
          },
        ],
      })),
    });

  child.send("stop");
  await new Promise((r) => child.once("exit", r));
  return figures;
}

if (args.serve) {
  await serve(args.serve as "pglite" | "postgres");
} else {
  const all: Figure[] = [];
  for (const engine of args.engines!.split(",") as ("pglite" | "postgres")[]) all.push(...(await bench(engine)));
  console.log(
    `\n| engine | endpoint | req/s | p50 ms | p99 ms | server CPU µs/req | errors / non-2xx |\n|---|---|---:|---:|---:|---:|---:|`,
  );
  for (const f of all)
    console.log(`| ${f.engine} | ${f.target} | ${f.rps} | ${f.p50} | ${f.p99} | ${f.cpuUs} | ${f.errors} / ${f.non2xx} |`);
  for (const engine of new Set(all.map((f) => f.engine))) {
    const bare = all.find((f) => f.engine === engine && f.target.startsWith("bare"));
    const balance = all.find((f) => f.engine === engine && f.target.startsWith("balance"));
    const checkin = all.find((f) => f.engine === engine && f.target.startsWith("kiosk"));
    if (!bare || !balance || !checkin) continue;
    console.log(
      `\n${engine}: balance = ${((balance.rps / bare.rps) * 100).toFixed(0)}% of bare (target >= 50% on PostgreSQL), balance p99 ${balance.p99} ms (target < 25), check-in p99 ${checkin.p99} ms (target < 50)`,
    );
  }
}
