// Import benchmark on PostgreSQL: 1,000,000 invoice lines across 1,000 members through the real
// import path (POST /api/v1/imports, text/csv over loopback HTTP, spooled, core's plain reader,
// then the one write pipeline: one event per invoice, one ledger entry per invoice and rule, stored
// with COPY in large chunks), beside a raw COPY of the same CSV into a plain table in the same run.
// Then the same file again, to show exactly-once: nothing imported, the ledger unchanged.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/import.bench.ts [--lines 1000000]
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createApp } from "@tally/api/app";
import { createLogger } from "@tally/api/logger";
import { seedDemo } from "@tally/core/seed";
import { ledgerEntries, members } from "@tally/db";
import { createTestDatabase } from "@tally/db/testing";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";

const { values: args } = parseArgs({
  options: { lines: { type: "string", default: "1000000" }, members: { type: "string", default: "1000" } },
});
const totalLines = Number(args.lines);
const memberCount = Number(args.members);
if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL (PostgreSQL): this benchmark compares with COPY.");

// Two lines per invoice, invoices of a member on increasing dates; amounts $5.00 to $154.99.
let expectedPoints = 0;
const rows: string[] = ["member_id,invoice_id,date,status,code,amount"];
for (let i = 0; i < totalLines / 2; i++) {
  const member = `PMS-${10000 + (i % memberCount)}`;
  const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(i / memberCount) * 3_600_000).toISOString();
  const a = 500 + ((i * 7919) % 15000);
  const b = 500 + ((i * 104729) % 15000);
  expectedPoints += Math.floor((a + b) / 1000); // rate 1 point per $10 on the invoice total
  rows.push(`${member},INV-${i},${day},paid,CLEAN,${(a / 100).toFixed(2)}`, `${member},INV-${i},${day},paid,XRAY,${(b / 100).toFixed(2)}`);
}
const csv = `${rows.join("\n")}\n`;
rows.length = 0;
console.error(`CSV: ${totalLines.toLocaleString()} lines, ${(csv.length / 1e6).toFixed(1)} MB, ${memberCount} members`);

const database = await createTestDatabase({ max: 10 });
const { db } = database;
await seedDemo(db, { members: memberCount });
// The file is larger than the default upload limit (MAX_UPLOAD_MB, 50 MB).
const app = createApp({ database, log: createLogger("silent"), config: { maxUploadBytes: 1024 * 1024 * 1024 } });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => setTimeout(r, 100));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const call = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
const signIn = await call("auth.signIn", { email: "admin@brightsmiles.test", password: "demo-admin-2026" });
const cookie = signIn.headers.getSetCookie()[0]!.split(";")[0]!;
await call("rules.save", { source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true }, { cookie });

// Raw COPY of the same CSV into a plain table.
const dbUrl = new URL(process.env.DATABASE_URL);
dbUrl.pathname = `/${((await db.execute(sql`select current_database() as name`)) as unknown as { name: string }[])[0]!.name}`;
const raw = postgres(dbUrl.toString(), { max: 1, onnotice: () => {} });
await raw`create table raw_invoice_lines (member_id text, invoice_id text, date timestamptz, status text, code text, amount numeric(12,2))`;
let start = performance.now();
const writable = await raw`copy raw_invoice_lines from stdin with (format csv, header true)`.writable();
await new Promise<void>((resolve, reject) => {
  writable.on("error", reject);
  writable.on("finish", resolve);
  for (let i = 0; i < csv.length; i += 1 << 20) writable.write(csv.slice(i, i + (1 << 20)));
  writable.end();
});
const copySeconds = (performance.now() - start) / 1000;
const [{ count: copied }] = (await raw`select count(*)::int as count from raw_invoice_lines`) as unknown as [{ count: number }];
await raw.end();

type Summary = { rows: number; imported: number; skipped: number; points: number; errorCount: number };
/** Upload, then poll the job as the admin app does, until it is done. */
const upload = async () => {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/imports`, { method: "POST", headers: { cookie, "content-type": "text/csv" }, body: csv });
  const accepted = (await res.json()) as { jobId?: string };
  if (!accepted.jobId) throw new Error(`upload refused: ${res.status} ${JSON.stringify(accepted)}`);
  const { jobId } = accepted;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const job = (await (await fetch(`${base}/api/v1/imports/${jobId}`, { headers: { cookie } })).json()) as {
      status: string;
      processed: number;
      total: number;
      result: Summary;
      lastError: string;
    };
    if (job.status === "failed") throw new Error(job.lastError);
    if (job.status === "done") return { seconds: (performance.now() - t0) / 1000, summary: job.result };
    process.stderr.write(`\r  ${job.processed.toLocaleString()} / ${job.total.toLocaleString()} lines`);
  }
};
const ledger = async () => {
  const [r] = await db
    .select({ entries: sql<number>`count(*)::int`, points: sql<number>`coalesce(sum(${ledgerEntries.points}), 0)::int` })
    .from(ledgerEntries)
    .innerJoin(members, eq(members.id, ledgerEntries.memberId));
  return r!;
};

start = performance.now();
const first = await upload();
const afterFirst = await ledger();
const second = await upload();
const afterSecond = await ledger();
server.close();
await database.dispose();

const copyRate = copied / copySeconds;
const importRate = first.summary.rows / first.seconds;
const ok =
  afterFirst.points === expectedPoints &&
  afterSecond.points === afterFirst.points &&
  afterSecond.entries === afterFirst.entries &&
  second.summary.imported === 0;
console.log(`
| path | lines | seconds | lines/s |
|---|---:|---:|---:|
| raw COPY into a plain table | ${copied.toLocaleString()} | ${copySeconds.toFixed(1)} | ${Math.round(copyRate).toLocaleString()} |
| Tally import (HTTP CSV upload -> ledger) | ${first.summary.rows.toLocaleString()} | ${first.seconds.toFixed(1)} | ${Math.round(importRate).toLocaleString()} |
| same file again (all skipped) | ${second.summary.rows.toLocaleString()} | ${second.seconds.toFixed(1)} | ${Math.round(second.summary.rows / second.seconds).toLocaleString()} |

import time / raw COPY time = ${(copyRate / importRate).toFixed(1)}x (target: within 25x)
first run: ${first.summary.imported.toLocaleString()} invoices imported, ${first.summary.errorCount} row errors, ${first.summary.points.toLocaleString()} points; ledger ${afterFirst.entries.toLocaleString()} entries, ${afterFirst.points.toLocaleString()} points (expected ${expectedPoints.toLocaleString()})
re-import: ${second.summary.imported} imported, ${second.summary.skipped.toLocaleString()} skipped; ledger ${afterSecond.entries.toLocaleString()} entries, ${afterSecond.points.toLocaleString()} points
exactly-once: ${ok ? "holds" : "VIOLATED"}`);
// The job runner keeps timers open: leave once the figures are out.
process.exit(ok ? 0 : 1);
