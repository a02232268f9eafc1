// Page loads through the apps' real path: a browser's request to a SvelteKit page, whose server
// load or form action calls the API, served by the product's own server process
// (apps/api/src/server.ts, as `npm start` runs it). 20 users at once, each loading one page
// after another for the duration; p50/p99 of the page's full answer and pages per second.
//
//   admin member page   GET  /admin/members/<id>                  (staff session cookie)
//   portal sign-in      GET  /portal/                              (no session: the practice's sign-in page)
//   kiosk welcome       POST /kiosk/check-in/card, then GET /kiosk/welcome (a paired kiosk; a card each time)
//
//   node bench/pages.bench.ts [--root DIR] [--duration 10] [--users 20] [--postgres URL]
//
// `--root` starts the server of another checkout (built with `pnpm turbo run build`), so one
// sitting measures two versions with the same driver (a checkout without the
// KIOSK_IDENTIFY_PER_MINUTE setting needs its identify limit raised by hand for the kiosk page).
// Embedded PGlite and the demo seed; `--postgres URL` serves from a fresh database created on that
// server instead (dropped at the end). Besides latency, each row gives the server process's CPU
// time per page (user + system from /proc, so the database server's own work is not in it).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    root: { type: "string", default: resolve(import.meta.dirname, "..") },
    duration: { type: "string", default: "10" },
    users: { type: "string", default: "20" },
    pages: { type: "string", default: "member,portal,kiosk" },
    postgres: { type: "string" },
  },
});
const root = resolve(args.root);
const seconds = Number(args.duration);
const users = Number(args.users);

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), "tally-pages-"));
// A fresh PostgreSQL database for this run, when asked for.
const psql = (sql: string) => {
  const r = spawnSync("psql", [args.postgres!, "-v", "ON_ERROR_STOP=1", "-qc", sql], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`psql failed: ${sql}`);
};
const dbName = `tally_pages_${process.pid}`;
if (args.postgres) psql(`create database ${dbName}`);
const databaseUrl = args.postgres ? args.postgres.replace(/\/[^/]*$/, `/${dbName}`) : "";
const server: ChildProcess = spawn(process.execPath, [join(root, "apps/api/src/server.ts")], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    TALLY_DATA_DIR: dataDir,
    TALLY_JOBS: "off",
    LOG_LEVEL: "warn",
    SIGN_IN_PER_MINUTE: "1000000",
    KIOSK_IDENTIFY_PER_MINUTE: "1000000",
    DATABASE_URL: databaseUrl,
  },
  // The server's log (warnings and errors only) goes to this script's stderr.
  stdio: ["ignore", process.stderr, "inherit"],
});
let stopped = false;
const stop = () => {
  if (stopped) return;
  stopped = true;
  server.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  if (args.postgres) {
    spawnSync("sleep", ["0.5"]);
    psql(`drop database if exists ${dbName} with (force)`);
  }
};
/** The server process's CPU time so far, in microseconds (utime + stime from /proc/<pid>/stat). */
const serverCpuMicros = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 1/100 s
};
process.on("exit", stop);

for (let i = 0; ; i++) {
  if (i > 600) throw new Error("the server did not start in 60 s");
  const ok = await fetch(`${base}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  await new Promise((r) => setTimeout(r, 100));
}

const trpc = async (path: string, body: unknown, cookie = "") => {
  const res = await fetch(`${base}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return { res, data: ((await res.json()) as { result: { data: unknown } }).result.data };
};
const cookieOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]!);

const signIn = await trpc("auth.signIn", { email: "admin@brightsmiles.test", password: "demo-admin-2026" });
const staff = cookieOf(signIn.res).join("; ");
const search = await fetch(`${base}/trpc/members.search?input=${encodeURIComponent(JSON.stringify({ q: "" }))}`, {
  headers: { cookie: staff },
});
const members = ((await search.json()) as { result: { data: { items: { id: string; cardNumber: string | null; status: string }[] } } })
  .result.data.items;
const member = members[0]!;
const cards = members.filter((m) => m.cardNumber && m.status === "member").map((m) => m.cardNumber!);
const pairing = (await trpc("kiosks.createPairing", { name: "pages bench" }, staff)).data as { code: string };
const device = ((await trpc("checkin.pair", { code: pairing.code })).data as { token: string }).token;

type Load = (n: number) => Promise<void>;
const expectOk = async (res: Response, what: string) => {
  await res.arrayBuffer();
  if (res.status >= 400) throw new Error(`${what}: ${res.status}`);
};
const pages: Record<string, { title: string; load: Load }> = {
  member: {
    title: "admin member page",
    load: async () => expectOk(await fetch(`${base}/admin/members/${member.id}`, { headers: { cookie: staff } }), "member page"),
  },
  portal: {
    title: "portal sign-in (home)",
    load: async () => expectOk(await fetch(`${base}/portal/`), "portal"),
  },
  kiosk: {
    title: "kiosk check-in → welcome",
    load: async (n) => {
      const posted = await fetch(`${base}/kiosk/check-in/card`, {
        method: "POST",
        redirect: "manual",
        // As a browser without JavaScript posts the form (an HTML answer: a 303 to the welcome page).
        headers: {
          cookie: `tally_kiosk=${device}`,
          origin: base,
          accept: "text/html",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ card: cards[n % cards.length]! }),
      });
      const body = await posted.text();
      // A check-in that ends anywhere but the welcome screen (the desk, pairing) is an error too.
      const to = posted.headers.get("location") ?? "";
      if (posted.status === 303 && !to.startsWith("/kiosk/welcome")) throw new Error(`kiosk check-in: sent to ${to}`);
      if (posted.status !== 303) {
        // The form's message to the patient, when the page shows one.
        const said = /role="alert"[^>]*>([^<]*)</.exec(body)?.[1]?.trim();
        throw new Error(`kiosk check-in: ${posted.status}${said ? ` (${said})` : ""}`);
      }
      const visit = cookieOf(posted).join("; ");
      await expectOk(await fetch(`${base}/kiosk/welcome`, { headers: { cookie: `tally_kiosk=${device}; ${visit}` } }), "welcome");
    },
  },
};

async function measure(load: Load) {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let n = 0;
  // A short warm-up (its failures reported too), then `users` loops for the duration.
  for (let i = 0; i < 20; i++)
    await load(n++).catch((e: Error) => {
      firstError ??= `warm-up: ${e.message}`;
    });
  const cpu0 = serverCpuMicros();
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: users }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await load(n++);
          latencies.push(performance.now() - t0);
        } catch (e) {
          errors++;
          firstError ??= (e as Error).message;
        }
      }
    }),
  );
  const cpu = (serverCpuMicros() - cpu0) / Math.max(1, latencies.length);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), cpu, errors, firstError };
}

console.log(
  `| page (${users} users, ${seconds} s, ${root}, ${args.postgres ? "PostgreSQL" : "PGlite"}) | pages/s | p50 ms | p99 ms | server CPU µs/page | errors |`,
);
console.log("|---|---:|---:|---:|---:|---:|");
const failures: string[] = [];
for (const name of args.pages.split(",")) {
  const page = pages[name];
  if (!page) throw new Error(`unknown page ${name}`);
  const r = await measure(page.load);
  console.log(
    `| ${page.title} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpu.toFixed(0)} | ${r.errors} |`,
  );
  // A failing page says why (below the table, so the table stays whole).
  if (r.firstError) failures.push(`${page.title}: ${r.firstError}`);
}
for (const f of failures) console.log(`first error, ${f}`);
stop();
process.exit(0);
