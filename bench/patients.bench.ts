// Patient import benchmark on PostgreSQL (issue 14): a 50,000-row practice-management export
// through the admin app's path (POST /api/v1/patient-imports stages the CSV; tRPC
// patientImports.dryRun, .start, then .progress polled as the page does), then the same file again
// (exactly once: nothing created, updated or suggested; the member and suggestion counts unchanged),
// then a file with every 10th patient's phone changed (updates only those).
// The file has 1 row in 1,000 with an impossible birth date and 1 in 50 sharing a family email
// with the row before it (a suggested merge each, never merged).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/patients.bench.ts [--rows 50000]
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createApp } from "@tally/api/app";
import { createLogger } from "@tally/api/logger";
import { seedDemo } from "@tally/core/seed";
import { members, mergeSuggestions } from "@tally/db";
import { createTestDatabase } from "@tally/db/testing";
import { sql } from "drizzle-orm";

const { values: args } = parseArgs({ options: { rows: { type: "string", default: "50000" } } });
const total = Number(args.rows);
if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL (PostgreSQL).");

const fileOf = (changedEvery = 0) => {
  const lines = ["Patient ID,First Name,Last Name,Email,Cell Phone,DOB,Card Number,Tags"];
  for (let i = 0; i < total; i++) {
    const family = i % 50 === 1 ? i - 1 : i;
    const dob =
      i % 1000 === 999
        ? "1990-02-31"
        : `${1940 + (i % 70)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
    const phone = 2000000000 + i + (changedEvery && i % changedEvery === 0 ? 5_000_000 : 0);
    lines.push(`BP-${i},First${i},Last${family},p${family}@bench.test,${phone},${dob},${9_000_000_000 + i},"bench;row${i % 7}"`);
  }
  return `${lines.join("\n")}\n`;
};

const database = await createTestDatabase({ max: 10 });
const { db } = database;
await seedDemo(db, { members: 200 });
const app = createApp({ database, log: createLogger("silent") });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => setTimeout(r, 100));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const signIn = await fetch(`${base}/trpc/auth.signIn`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email: "admin@brightsmiles.test", password: "demo-admin-2026" }),
});
const cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
const trpc = async <T>(path: string, input: unknown, method: "GET" | "POST"): Promise<T> => {
  const url = method === "GET" ? `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `${base}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers: { cookie, "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const json = (await res.json()) as { result?: { data: T }; error?: { message: string } };
  if (!json.result) throw new Error(`${path}: ${json.error?.message}`);
  return json.result.data;
};

type Summary = { rows: number; created: number; updated: number; unchanged: number; suggested: number; rejected: number };
const counts = async () => {
  const [m] = await db.select({ n: sql<number>`count(*)::int` }).from(members);
  const [s] = await db.select({ n: sql<number>`count(*)::int` }).from(mergeSuggestions);
  return { members: m!.n, suggestions: s!.n };
};

async function run(csv: string) {
  const t0 = performance.now();
  const staged = (await (
    await fetch(`${base}/api/v1/patient-imports?name=bench.csv`, {
      method: "POST",
      headers: { cookie, "content-type": "text/csv" },
      body: csv,
    })
  ).json()) as { id: string; mapping: Record<string, string | null>; total: number };
  const tStaged = performance.now();
  const dry = await trpc<Summary>("patientImports.dryRun", { id: staged.id, mapping: staged.mapping }, "POST");
  const tDry = performance.now();
  await trpc("patientImports.start", { id: staged.id, mapping: staged.mapping }, "POST");
  const progress: number[] = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const p = await trpc<{ status: string; processed: number; total: number; result: Summary; lastError: string }>(
      "patientImports.progress",
      { id: staged.id },
      "GET",
    );
    if (p.status === "failed") throw new Error(p.lastError);
    if (p.status === "done") {
      const tDone = performance.now();
      return {
        stageSeconds: (tStaged - t0) / 1000,
        dryRunSeconds: (tDry - tStaged) / 1000,
        importSeconds: (tDone - tDry) / 1000,
        progressSamples: progress.length,
        dry,
        result: p.result,
      };
    }
    progress.push(p.processed);
    process.stderr.write(`\r  ${p.processed.toLocaleString()} / ${p.total.toLocaleString()} rows`);
  }
}

const file = fileOf();
console.error(`CSV: ${total.toLocaleString()} rows, ${(file.length / 1e6).toFixed(1)} MB`);
const before = await counts();
const first = await run(file);
const afterFirst = await counts();
const second = await run(file);
const afterSecond = await counts();
const third = await run(fileOf(10));
const afterThird = await counts();
server.close();
await database.dispose();

const rejects = Math.floor(total / 1000);
const families = Math.floor((total + 48) / 50);
const ok =
  first.result.created === total - rejects &&
  first.result.rejected === rejects &&
  first.result.suggested === families &&
  afterFirst.members - before.members === total - rejects &&
  second.result.created + second.result.updated + second.result.suggested === 0 &&
  second.result.unchanged === total - rejects &&
  afterSecond.members === afterFirst.members &&
  afterSecond.suggestions === afterFirst.suggestions &&
  third.result.updated === Math.ceil(total / 10) &&
  third.result.created === 0 &&
  afterThird.members === afterFirst.members;
const row = (name: string, r: Awaited<ReturnType<typeof run>>) =>
  `| ${name} | ${r.result.rows.toLocaleString()} | ${r.stageSeconds.toFixed(1)} | ${r.dryRunSeconds.toFixed(1)} | ${r.importSeconds.toFixed(1)} | ${Math.round(r.result.rows / r.importSeconds).toLocaleString()} | ${r.result.created.toLocaleString()} / ${r.result.updated.toLocaleString()} / ${r.result.unchanged.toLocaleString()} / ${r.result.suggested.toLocaleString()} / ${r.result.rejected.toLocaleString()} | ${r.progressSamples} |`;
console.log(`
| run | rows | upload s | dry run s | import s | rows/s (import) | created / updated / unchanged / suggested / rejected | progress polls |
|---|---:|---:|---:|---:|---:|---|---:|
${row("first import", first)}
${row("same file again", second)}
${row("every 10th phone changed", third)}

members: ${before.members.toLocaleString()} -> ${afterFirst.members.toLocaleString()} -> ${afterSecond.members.toLocaleString()} -> ${afterThird.members.toLocaleString()}; suggestions: ${afterFirst.suggestions.toLocaleString()} -> ${afterSecond.suggestions.toLocaleString()} -> ${afterThird.suggestions.toLocaleString()}
dry run of the first file: ${first.dry.created.toLocaleString()} created, ${first.dry.suggested.toLocaleString()} suggested, ${first.dry.rejected} rejected
exactly-once: ${ok ? "holds" : "VIOLATED"}`);
// Pools and timers may stay open: leave once the figures are out.
process.exit(ok ? 0 : 1);
