// Message outbox drain benchmark on PostgreSQL (issue 17): N queued emails are drained by a worker
// process with bounded concurrency into a real local SMTP server; the worker is killed (SIGKILL)
// halfway and a new one started. Checks what the outbox promises for SMTP, which takes no
// idempotency key: at most once (no address receives two emails), every message ends `sent` or
// `unknown` (those interrupted mid-send, shown to staff, never repeated by themselves), none
// left queued, and never more SMTP sessions at once than the concurrency. Figures: README.md.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/messages.bench.ts [--messages 10000] [--concurrency 8]
import { type ChildProcess, spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { createMailer, drainMessages } from "@tally/api/messages";
import { createDatabase } from "@tally/db";
import { createTestDatabase } from "@tally/db/testing";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";

const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    worker: { type: "boolean", default: false },
    db: { type: "string" },
    smtp: { type: "string" },
    lease: { type: "string", default: "2000" },
  },
});
const concurrency = Number(args.concurrency);
const leaseMs = Number(args.lease);

if (args.worker) {
  // A worker process: drains until nothing is queued, then exits (or is killed).
  const database = createDatabase({ url: args.db!, max: concurrency + 2 });
  const mailer = createMailer(database.db, { smtpUrl: args.smtp!, from: "Bench <bench@tally.test>" });
  for (;;) {
    const r = await drainMessages(
      { db: database.db, mailer, publicUrl: "http://bench.test" },
      { limit: concurrency, concurrency, leaseMs, maxRounds: 1_000_000 },
    );
    if (r.sent + r.failed + r.retrying === 0) break;
  }
  mailer.close();
  await database.close();
  process.exit(0);
}

if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL (PostgreSQL): the workers are separate processes sharing the database.");
const total = Number(args.messages);
const database = await createTestDatabase({ max: 4 });
const { db } = database;

// One practice (on), N members, one queued digest email each (as the digest job writes them).
const [practice] = (await db.execute(
  sql`insert into practices (slug, name, timezone, status) values ('bench', 'Bench Dental', 'UTC', 'on') returning id`,
)) as unknown as { id: string }[];
const practiceId = practice!.id;
const queueStart = performance.now();
await db.execute(sql`
  with m as (
    insert into members (practice_id, first_name, last_name, email)
    select ${practiceId}, 'Pat', 'Bench ' || i, 'pat' || i || '@bench.test' from generate_series(1, ${total}) as i
    returning id, email)
  insert into messages (practice_id, member_id, kind, channel, subject_key, dedupe_key, "to", data, title)
  select ${practiceId}, m.id, 'digest', 'email', 'digest:2026-06-01', m.id || '|digest|email|digest:2026-06-01', m.email,
         jsonb_build_object('firstName', 'Pat', 'points', 25, 'balance', 125, 'date', '2026-06-01', 'unsubscribeToken', md5(m.id::text)),
         'You earned 25 points at Bench Dental'
    from m`);
const queueMs = performance.now() - queueStart;

// The SMTP server: counts deliveries per recipient and sessions at once; a little latency per mail.
const delivered = new Map<string, number>();
let open = 0;
let maxOpen = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  disableReverseLookup: true,
  maxClients: 1000,
  onConnect(_s, cb) {
    open++;
    maxOpen = Math.max(maxOpen, open);
    cb();
  },
  onClose() {
    open--;
  },
  onData(stream, session, cb) {
    stream.resume();
    stream.on("end", () =>
      setTimeout(() => {
        for (const r of session.envelope.rcptTo) delivered.set(r.address, (delivered.get(r.address) ?? 0) + 1);
        cb();
      }, 3),
    );
  },
});
await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;

const worker = () =>
  spawn(
    process.execPath,
    [
      import.meta.filename,
      "--worker",
      "--db",
      database.url!,
      "--smtp",
      smtpUrl,
      "--concurrency",
      String(concurrency),
      "--lease",
      String(leaseMs),
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
const sum = () => [...delivered.values()].reduce((a, b) => a + b, 0);

const start = performance.now();
const first = worker();
const firstExit = exited(first);
while (sum() < total / 2) await new Promise((r) => setTimeout(r, 5));
first.kill("SIGKILL");
await firstExit;
const killedAt = performance.now();
const deliveredBeforeKill = sum();
// The lease runs out: what the dead worker was sending becomes `unknown` at the next drain.
await new Promise((r) => setTimeout(r, leaseMs + 200));
const restartAt = performance.now();
const second = worker();
const code = await exited(second);
const end = performance.now();
if (code !== 0) throw new Error(`the second worker exited with ${code}`);

const counts = Object.fromEntries(
  (
    (await db.execute(sql`select status, count(*)::int as n from messages group by status`)) as unknown as { status: string; n: number }[]
  ).map((r) => [r.status, Number(r.n)]),
) as Record<string, number>;
const twice = [...delivered.values()].filter((n) => n > 1).length;
const sent = counts.sent ?? 0;
const unknown = counts.unknown ?? 0;
const atMostOnce =
  twice === 0 &&
  sent + unknown === total &&
  !counts.queued &&
  !counts.sending &&
  !counts.failed &&
  sum() >= sent &&
  sum() <= sent + unknown;
const bounded = maxOpen <= concurrency;
const figures = {
  messages: total,
  concurrency,
  queue_ms: Math.round(queueMs),
  first_worker_ms: Math.round(killedAt - start),
  delivered_before_kill: deliveredBeforeKill,
  second_worker_ms: Math.round(end - restartAt),
  total_ms: Math.round(end - start),
  per_second: Math.round(total / ((end - start - (restartAt - killedAt)) / 1000)),
  sent,
  unknown,
  delivered: sum(),
  delivered_twice: twice,
  max_smtp_sessions: maxOpen,
};
console.log(JSON.stringify(figures));
console.log(`at-most-once: ${atMostOnce ? "holds" : "BROKEN"}; concurrency bound: ${bounded ? "holds" : "BROKEN"}`);
await new Promise<void>((r) => smtp.close(() => r()));
await database.dispose();
if (!atMostOnce || !bounded) process.exit(1);
