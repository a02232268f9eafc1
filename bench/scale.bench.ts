// Scale benchmark (issue 20): a large practice (50,000 members, about 2,000,000 events over five
// years by default) beside the 200-member demo practice in the same PostgreSQL database, and the
// operations whose cost grew with the practice measured over HTTP (tRPC, admin sessions) at both
// sizes in the same run; jobs are timed in-process, per unit of work. Prints a markdown table
// (medians) with the large/small ratio, and one JSON line of checks.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/scale.bench.ts                  # full size (minutes)
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/scale.bench.ts --scale 0.01     # CI size
//   ... --keep leaves the database in place; --reuse <its name> measures it again without building
//
// The large practice is written through the product's own paths: members as rows (like a patient
// import's insert), events through the one write pipeline (`recordEvents`, the store step that
// every door uses, in chunks of 5,000 in time order), so its ledger, balances and engine states
// are what the product writes.
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { createApp } from "@tally/api/app";
import { createLogger } from "@tally/api/logger";
import {
  backtestProgress,
  backtestReplayInput,
  type Ctx,
  digestRecipients,
  type EventInput,
  getRuleSetVersion,
  hashPassword,
  kioskCheckIn,
  runBirthdays,
  saveRuleSet,
  startBacktest,
  systemCtx,
} from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { createDatabase, type Database, memberBalances, members, practiceSecurity, practices, staffUsers } from "@tally/db";
import { createTestDatabase } from "@tally/db/testing";
import { addDays, localDate, startOfLocalDay } from "@tally/rules/time";
import { sql } from "drizzle-orm";
// biome-ignore lint/style/noRestrictedImports: the backtest's engine alone, as its worker runs it
import { Replayer } from "../packages/core/src/backtest/replay.ts";
// The one write pipeline's bulk entry (what the import and every door call) is not a public verb:
// biome-ignore lint/style/noRestrictedImports: the bench feeds millions of events through the pipeline itself
import { recordEvents } from "../packages/core/src/events/record-events.ts";
// biome-ignore lint/style/noRestrictedImports: the pipeline runs inside the caller's transaction
import { inTx } from "../packages/core/src/verb.ts";

const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    members: { type: "string" },
    events: { type: "string" },
    years: { type: "string", default: "5" },
    rounds: { type: "string", default: "5" },
    /** Leave the database in place afterwards (its name is printed), to look at plans by hand. */
    keep: { type: "boolean", default: false },
    /** Measure a database kept by an earlier run (`--keep`) instead of building one. */
    reuse: { type: "string" },
  },
});
const scale = Number(args.scale);
const MEMBERS = Number(args.members ?? Math.round(50_000 * scale));
const EVENTS = Number(args.events ?? Math.round(2_000_000 * scale));
const YEARS = Number(args.years);
const ROUNDS = Number(args.rounds);
const DAY = 86_400_000;

if (!process.env.DATABASE_URL) {
  console.error("scale.bench needs PostgreSQL: set DATABASE_URL");
  process.exit(2);
}

// A deterministic generator (mulberry32).
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20_261_206);
const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const firstNames = ["Ana", "Edgar", "Margaret", "Liam", "Olivia", "Noah", "Emma", "Mia", "Lucas", "Sofia", "Ethan", "Ava", "Gary", "Grace"];
const lastNames = [
  "Garcia",
  "Smith",
  "Johnson",
  "Brown",
  "Lee",
  "Nguyen",
  "Patel",
  "Kim",
  "Lopez",
  "Bell",
  "Dunn",
  "Hughes",
  "Edgars",
  "Ward",
];

const fresh = args.reuse ? null : await createTestDatabase({ max: 10 });
const database: Database = fresh ?? createDatabase({ url: withDatabase(process.env.DATABASE_URL!, args.reuse!), max: 10 });
const { db } = database;
const password = "large-admin-2026";
const fallbackRules = `earn "Spend" on invoice.paid { rate 1 point per $10 }
reward "Visit" on visit.checked_in { award 20 points }
reward "Birthday" on member.birthday { award 50 points }
`;
const { smallId, largeId, memberIds, built, now } = args.reuse ? await reuse() : await build();

function withDatabase(url: string, name: string) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A database kept by an earlier run: its two practices and the large one's members. */
async function reuse() {
  const ids = new Map((await db.select({ id: practices.id, slug: practices.slug }).from(practices)).map((p) => [p.slug, p.id]));
  const largeId = ids.get("large-practice");
  const smallId = ids.get("bright-smiles");
  if (!largeId || !smallId) throw new Error(`${args.reuse} holds no large practice beside the demo: build one with --keep`);
  const rows = await db.select({ id: members.id }).from(members).where(sql`${members.practiceId} = ${largeId}`).orderBy(members.id);
  console.error(`reusing ${args.reuse}: ${rows.length} members in the large practice`);
  return { smallId, largeId, memberIds: rows.map((r) => r.id), built: 0, now: Date.now() };
}

/** The demo practice and the large practice beside it, written through the product's own paths. */
async function build() {
  const t0 = performance.now();
  // The demo practice as `npm start` seeds it: its program, catalog and a year of events.
  const seeded = await seedDemo(db, { members: 200, content: "full" });
  const smallId = seeded.practiceIds["bright-smiles"]!;

  // ---------------------------------------------------------------- the large practice
  const [large] = await db
    .insert(practices)
    .values({ slug: "large-practice", name: "Large Practice", timezone: "America/Chicago", status: "on" })
    .returning();
  const largeId = large!.id;
  // Its admin signs in with a password only, like the demo's (a second factor is not what is measured).
  await db.insert(practiceSecurity).values({ practiceId: largeId, mfaRequired: "off" });
  await db.insert(staffUsers).values({
    practiceId: largeId,
    role: "admin",
    email: "admin@large.test",
    name: "Large Admin",
    passwordHash: await hashPassword(password),
    mustChangePassword: false,
  });
  const ctx = systemCtx(db, largeId);
  const activeSmall = await getRuleSetVersion({ ctx: systemCtx(db, smallId) });
  try {
    await saveRuleSet({ ctx, input: { source: activeSmall?.source ?? fallbackRules, publish: true } });
  } catch {
    await saveRuleSet({ ctx, input: { source: fallbackRules, publish: true } });
  }

  const now = Date.now();
  const start = now - YEARS * 365 * DAY;
  const memberIds: string[] = [];
  for (let i = 0; i < MEMBERS; i += 2000) {
    const rows = Array.from({ length: Math.min(2000, MEMBERS - i) }, (_, k) => {
      const n = i + k;
      const first = firstNames[n % firstNames.length]!;
      const last = lastNames[Math.floor(n / firstNames.length) % lastNames.length]!;
      const born = new Date(Date.UTC(1950 + between(0, 60), between(0, 11), between(1, 28))).toISOString().slice(0, 10);
      return {
        practiceId: largeId,
        firstName: first,
        lastName: last,
        email: `${first}.${last}.${n}@large.test`.toLowerCase(),
        phone: `555${String(1_000_000 + n).slice(-7)}`,
        cardNumber: `L${String(n).padStart(9, "0")}`,
        externalId: `LP-${n}`,
        birthday: born,
        status: "member" as const,
        registered: n % 3 === 0,
      };
    });
    const inserted = await db.insert(members).values(rows).returning({ id: members.id });
    await db.insert(memberBalances).values(inserted.map((m) => ({ memberId: m.id, practiceId: largeId, balance: 0 })));
    for (const m of inserted) memberIds.push(m.id);
  }

  // Events in time order, day by day, through the one write pipeline in chunks. Invoices carry the
  // demo's billing codes, so its program (the large practice runs the same) earns on them.
  const codes = ["EXAM", "CLEAN", "XRAY", "ADJ", "ALIGN", "WHITEN"];
  let chunk: EventInput[] = [];
  let recorded = 0;
  let chunks = 0;
  const perDay = EVENTS / (YEARS * 365);
  const flush = async () => {
    if (chunk.length === 0) return;
    const batch = chunk;
    chunk = [];
    await inTx(ctx, (tx) => recordEvents(tx, ctx, batch, { source: "import", fresh: true, priorOutcomes: false }));
    recorded += batch.length;
    // What autovacuum does in a practice's database (a test server may run without it): the
    // planner's statistics keep up with the tables as they grow (after chunks 1, 2, 4, 8, ... and
    // every 20th).
    chunks++;
    if ((chunks & (chunks - 1)) === 0 || chunks % 20 === 0) await db.execute(sql`analyze`);
  };
  for (let day = 0; day < YEARS * 365; day++) {
    const count = Math.floor(perDay) + (rand() < perDay % 1 ? 1 : 0);
    const stamps = Array.from({ length: count }, () => start + day * DAY + between(8 * 3600, 18 * 3600) * 1000).sort((a, b) => a - b);
    for (const at of stamps) {
      const member = memberIds[Math.floor(rand() * memberIds.length)]!;
      const id = `s${recorded + chunk.length}`;
      if (rand() < 0.4) chunk.push({ id, type: "visit.checked_in", at: new Date(at).toISOString(), member } as EventInput);
      else
        chunk.push({
          id,
          type: "invoice.paid",
          at: new Date(at).toISOString(),
          member,
          invoice: { id, lines: [{ code: codes[between(0, codes.length - 1)]!, amount: `${between(20, 300)}.00` }] },
        } as EventInput);
      if (chunk.length >= 5000) await flush();
    }
  }
  await flush();
  await db.execute(sql`vacuum analyze`);
  const built = (performance.now() - t0) / 1000;
  return { smallId, largeId, memberIds, built, now };
}

const [counts] = (await db.execute(
  sql`select (select count(*) from events where practice_id = ${largeId}) as events,
             (select count(*) from ledger_entries where practice_id = ${largeId}) as entries,
             (select count(*) from members where practice_id = ${largeId}) as members`,
)) as unknown as { events: string; entries: string; members: string }[];
console.error(`built in ${built.toFixed(0)} s: ${JSON.stringify(counts)}`);

// ---------------------------------------------------------------- the server and the measurements
const app = createApp({ database, log: createLogger("silent"), config: {} });
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise((r) => setTimeout(r, 100));
const port = (server.address() as { port: number }).port;
const base = `http://127.0.0.1:${port}/trpc`;
async function signIn(email: string, pw: string) {
  const r = await fetch(`${base}/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: pw }),
  });
  if (!r.ok) throw new Error(`sign-in ${email}: ${r.status} ${await r.text()}`);
  return r.headers.getSetCookie()[0]!.split(";")[0]!;
}
const cookies = { small: await signIn("admin@brightsmiles.test", "demo-admin-2026"), large: await signIn("admin@large.test", password) };

async function call(size: "small" | "large", path: string, input: unknown, method: "GET" | "POST" = "GET", cookie = cookies[size]) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const url = method === "GET" ? `${base}/${path}${query}` : `${base}/${path}`;
  const t = performance.now();
  const r = await fetch(url, {
    method,
    headers: { cookie, "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(input) : undefined,
  });
  const body = await r.text();
  const ms = performance.now() - t;
  if (!r.ok) throw new Error(`${path} (${size}): ${r.status} ${body.slice(0, 300)}`);
  return { ms, bytes: body.length, body };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  operation: string;
  small: number;
  large: number;
  note?: string;
}
const rows: Row[] = [];
type Size = "small" | "large";
async function measure(
  operation: string,
  path: string,
  input: unknown | ((size: Size) => unknown),
  method: "GET" | "POST" = "GET",
  rounds = ROUNDS,
) {
  const out: Record<string, number> = {};
  let note = "";
  for (const size of ["small", "large"] as const) {
    const sent = typeof input === "function" ? input(size) : input;
    await call(size, path, sent, method); // warm-up
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await call(size, path, sent, method);
      times.push(r.ms);
      if (size === "large") note = `${(r.bytes / 1024).toFixed(0)} KB`;
    }
    out[size] = median(times);
  }
  rows.push({ operation, small: out.small!, large: out.large!, note });
  console.error(`  ${operation}: small ${out.small!.toFixed(1)} ms, large ${out.large!.toFixed(1)} ms (${note})`);
}
const range = (days: number) => ({ from: new Date(now - days * DAY).toISOString(), to: new Date(now + 60_000).toISOString() });

// The reports page's range (admin `reports/range.ts`): whole local days in the practice's
// timezone, the last of them today; and a range ending now through the API, whose partial days at
// either end are read from the raw rows (their cost grows with a day's activity).
const zones = new Map((await db.select({ id: practices.id, timezone: practices.timezone }).from(practices)).map((p) => [p.id, p.timezone]));
const pageRange = (days: number) => (size: Size) => {
  const tz = zones.get(size === "small" ? smallId : largeId)!;
  const today = localDate(new Date(now), tz);
  return { from: startOfLocalDay(addDays(today, 1 - days), tz).toISOString(), to: startOfLocalDay(addDays(today, 1), tz).toISOString() };
};
await measure("reports page, 30 days (`reports.overview`)", "reports.overview", pageRange(30));
await measure("reports page, 12 months", "reports.overview", pageRange(365));
await measure("reports through the API, 30 days ending now (partial days at both ends)", "reports.overview", range(30));
await measure("dashboard series, 30 days (`reports.series`)", "reports.series", { days: 30 });
await measure('member search "gar" (first page)', "members.search", { q: "gar" });
await measure('member search by PMS id "LP-1"', "members.search", { q: "LP-1" });

// A member's pages, as their server loads call the API (in parallel, like the loads): the admin
// member page (staff session) and the portal's home (the patient signed in with card number and
// date of birth), for the member with the most events in each practice; and a kiosk check-in
// (the kiosk's verb, in-process) at each size.
type Call = [path: string, input: unknown];
async function measurePage(operation: string, calls: (size: Size) => Call[], cookieOf: (size: Size) => string = (size) => cookies[size]) {
  const out: Record<string, number> = {};
  let note = "";
  for (const size of ["small", "large"] as const) {
    const run = () => Promise.all(calls(size).map(([path, input]) => call(size, path, input, "GET", cookieOf(size))));
    await run(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      const answers = await run();
      times.push(performance.now() - t);
      if (size === "large") note = `${(answers.reduce((n, a) => n + a.bytes, 0) / 1024).toFixed(0)} KB`;
    }
    out[size] = median(times);
  }
  rows.push({ operation, small: out.small!, large: out.large!, note });
  console.error(`  ${operation}: small ${out.small!.toFixed(1)} ms, large ${out.large!.toFixed(1)} ms (${note})`);
}
const busiest: Record<Size, { id: string; card_number: string; birthday: string }> = { small: null!, large: null! };
for (const [size, practiceId] of [
  ["small", smallId],
  ["large", largeId],
] as const) {
  const [row] = (await db.execute(
    sql`select m.id, m.card_number, m.birthday::text as birthday from members m
        join (select member_id, count(*) as n from events where practice_id = ${practiceId} group by member_id) e on e.member_id = m.id
        where m.practice_id = ${practiceId} and m.status = 'member' and m.card_number is not null and m.birthday is not null
        order by e.n desc limit 1`,
  )) as unknown as { id: string; card_number: string; birthday: string }[];
  busiest[size] = row!;
}
await measurePage("member profile (the admin member page's calls)", (size) => {
  const memberId = busiest[size].id;
  return [
    ["members.get", { id: memberId }],
    ["ledger.history", { memberId, limit: 100 }],
    ["members.milestones", { memberId }],
    ["members.coupons", { memberId }],
    ["members.consents", { memberId }],
    ["members.standing", { memberId }],
  ];
});
async function memberSignIn(size: Size) {
  const slug = size === "small" ? "bright-smiles" : "large-practice";
  const r = await fetch(`${base}/auth.member.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ practice: slug, cardNumber: busiest[size].card_number, birthday: busiest[size].birthday }),
  });
  if (!r.ok) throw new Error(`member sign-in (${size}): ${r.status} ${await r.text()}`);
  return r.headers.getSetCookie()[0]!.split(";")[0]!;
}
const patientCookies = { small: await memberSignIn("small"), large: await memberSignIn("large") };
await measurePage(
  "portal home (the patient's calls)",
  () => [
    ["members.home", undefined],
    ["members.myCoupons", { limit: 20 }],
    ["members.myMilestones", undefined],
    ["members.myActivity", { limit: 8 }],
    ["catalog.offered", undefined],
    ["members.myStanding", undefined],
  ],
  (size) => patientCookies[size],
);
{
  const out: Record<string, number> = {};
  for (const [size, practiceId] of [
    ["small", smallId],
    ["large", largeId],
  ] as const) {
    const [row] = (await db.execute(
      sql`select array_agg(id) as ids from (select id from members where practice_id = ${practiceId} and status = 'member' order by id limit 40) m`,
    )) as unknown as { ids: string[] | string }[];
    const ids = typeof row!.ids === "string" ? row!.ids.replace(/[{}]/g, "").split(",") : row!.ids;
    const kioskCtx: Ctx = { db, practiceId, actor: { kind: "kiosk", id: "bench-kiosk" } };
    const times: number[] = [];
    for (const [i, memberId] of ids.entries()) {
      const t = performance.now();
      await kioskCheckIn({ ctx: kioskCtx, input: { memberId, method: "card", at: new Date() } });
      if (i >= 5) times.push(performance.now() - t); // the first few warm the process
    }
    out[size] = median(times);
  }
  rows.push({ operation: "kiosk check-in (idle)", small: out.small!, large: out.large! });
  console.error(`  kiosk check-in (idle): small ${out.small!.toFixed(1)} ms, large ${out.large!.toFixed(1)} ms`);
}

// The backtest over HTTP at both sizes, and the engine alone over the same events: the draft and
// active rule sets, members and events of the large practice's run, read into memory first (not
// timed), then replayed by the worker's own code (Replayer) on this thread, no database, no
// thread. Rounds alternate the three, so each carries the same load.
const backtestQuery = { source: fallbackRules, ...range(365) };
const replayInput = await backtestReplayInput({
  ctx: { db, practiceId: largeId, actor: { kind: "staff", id: "bench", role: "admin" } },
  input: backtestQuery,
});
const replayedEvents = replayInput.pages.reduce((n, p) => n + p.length, 0);
const engineAlone = () => {
  const t = performance.now();
  const replayer = new Replayer(replayInput.setup);
  for (const page of replayInput.pages) replayer.page(page);
  return { ms: performance.now() - t, sides: replayer.finish() };
};
const backtestTimes = { small: [] as number[], large: [] as number[], engine: [] as number[] };
let backtestAnswer = { bytes: 0, body: "" };
let engineSides = engineAlone().sides; // warm-up
await new Promise((r) => setTimeout(r, 200));
await call("small", "rules.backtest", backtestQuery, "POST");
await call("large", "rules.backtest", backtestQuery, "POST");
for (let i = 0; i < Math.min(ROUNDS, 3); i++) {
  backtestTimes.small.push((await call("small", "rules.backtest", backtestQuery, "POST")).ms);
  const answered = await call("large", "rules.backtest", backtestQuery, "POST");
  backtestTimes.large.push(answered.ms);
  backtestAnswer = answered;
  const alone = engineAlone();
  backtestTimes.engine.push(alone.ms);
  engineSides = alone.sides;
  // The engine held this thread (and the server's) for seconds: let the idle connections' timers
  // close them before the next request, not under it.
  await new Promise((r) => setTimeout(r, 200));
}
const backtestKB = `${(backtestAnswer.bytes / 1024).toFixed(0)} KB`;
rows.push({ operation: "backtest, 12 months", small: median(backtestTimes.small), large: median(backtestTimes.large), note: backtestKB });
rows.push({
  operation: "backtest, 12 months / engine alone over the same events",
  small: median(backtestTimes.engine),
  large: median(backtestTimes.large),
  note: `${backtestKB} (${replayedEvents} events, ${replayInput.setup.draft ? "two rule sets" : "one rule set"})`,
});
console.error(
  `  backtest, 12 months: small ${median(backtestTimes.small).toFixed(1)} ms, large ${median(backtestTimes.large).toFixed(1)} ms, engine alone ${median(backtestTimes.engine).toFixed(1)} ms (${backtestKB})`,
);
// The backtest's answer is the engine's: the same totals per rule on both sides, the same counts.
const backtestResult = JSON.parse(backtestAnswer.body).result.data;
const totals = (side: { byRule: { rule: string; points: number; awards: number; coupons: number; costCents: number }[] }) =>
  JSON.stringify(side.byRule.map((r) => [r.rule, r.points, r.awards, r.coupons, r.costCents]));
const backtestMatchesEngine =
  totals(backtestResult.draft) === totals(engineSides.draft) &&
  totals(backtestResult.active) === totals(engineSides.active) &&
  JSON.stringify(backtestResult.replayed) === JSON.stringify(engineSides.replayed) &&
  engineSides.replayed.total === replayedEvents;

// A kiosk check-in (the kiosk's verb, in the API's process) idle, then while a 12-month backtest
// of the large practice runs in the same process (its engine on a worker thread).
const kiosk: Ctx = { db, practiceId: largeId, actor: { kind: "kiosk", id: "bench-kiosk" } };
let checkIns = 0;
const checkIn = async () => {
  const t = performance.now();
  await kioskCheckIn({ ctx: kiosk, input: { memberId: memberIds[checkIns++ % memberIds.length]!, method: "card", at: new Date() } });
  return performance.now() - t;
};
const idle: number[] = [];
for (let i = 0; i < 20; i++) idle.push(await checkIn());
const busy: number[] = [];
const admin: Ctx = { db, practiceId: largeId, actor: { kind: "staff", id: "bench", role: "admin" } };
const drafted = fallbackRules.replace("award 20 points", "award 25 points");
const runStarted = performance.now();
const run = await startBacktest({ ctx: admin, input: { source: drafted, ...range(365) } });
for (;;) {
  const p = await backtestProgress({ ctx: admin, input: { id: run.id } });
  if (p.status !== "running") break;
  busy.push(await checkIn());
  await new Promise((r) => setTimeout(r, 20));
}
const backtestMs = performance.now() - runStarted;
rows.push({
  operation: "kiosk check-in: idle (small) / during a 12-month backtest (large)",
  small: median(idle),
  large: median(busy.length > 0 ? busy : idle),
  note: `${busy.length} during a ${(backtestMs / 1000).toFixed(1)} s backtest; p95 ${[...busy].sort((a, b) => a - b)[Math.floor(busy.length * 0.95)]?.toFixed(1) ?? "-"} ms`,
});
console.error(
  `  kiosk check-in: idle ${median(idle).toFixed(1)} ms, during backtest ${median(busy.length > 0 ? busy : idle).toFixed(1)} ms (${busy.length})`,
);

// Jobs, in-process, per unit of work. The birthdays job per member celebrated, on days that have
// birthdays (the demo has about one every other day: a day without would time the empty job), one
// day after another from tomorrow, skipping days celebrated by an earlier run; then the same days
// again, with nothing left to send.
const jobDays: Record<"small" | "large", number[]> = { small: [], large: [] };
const jobRows: [string, (size: "small" | "large", practiceId: string, round: number) => Promise<number[]>][] = [
  [
    "birthdays job (per member celebrated)",
    async (size, practiceId) => {
      for (let day = (jobDays[size].at(-1) ?? 0) + 1; day <= 400; day++) {
        const t = performance.now();
        const r = await runBirthdays({ ctx: systemCtx(db, practiceId), input: { at: new Date(now + day * DAY) } });
        const ms = performance.now() - t;
        if (r.members.length === 0) continue;
        jobDays[size].push(day);
        return [ms / r.members.length];
      }
      return [];
    },
  ],
  [
    "birthdays job with nothing to send (the same days again)",
    async (size, practiceId, round) => {
      const day = jobDays[size][round];
      if (day === undefined) return [];
      const t = performance.now();
      await runBirthdays({ ctx: systemCtx(db, practiceId), input: { at: new Date(now + day * DAY + 1000) } });
      return [performance.now() - t];
    },
  ],
  [
    "digest query (per recipient)",
    async (_size, practiceId) => {
      const t = performance.now();
      const r = await digestRecipients(db, practiceId, new Date(now - 7 * DAY), new Date(now + DAY));
      return [(performance.now() - t) / Math.max(1, r.length)];
    },
  ],
];
for (const [operation, run] of jobRows) {
  const out: Record<string, number> = {};
  for (const [size, id] of [
    ["small", smallId],
    ["large", largeId],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) times.push(...(await run(size, id, i)));
    out[size] = times.length > 0 ? median(times) : Number.NaN;
  }
  rows.push({ operation, small: out.small!, large: out.large! });
  console.error(`  ${operation}: small ${out.small!.toFixed(2)} ms, large ${out.large!.toFixed(2)} ms`);
}

const fmt = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
console.log(
  `\n${MEMBERS} members, ${counts!.events} events, ${counts!.entries} ledger entries (large) beside the 200-member demo; medians of ${ROUNDS}\n`,
);
console.log("| operation | small | large | ratio | large response |");
console.log("|---|---:|---:|---:|---:|");
for (const r of rows)
  console.log(`| ${r.operation} | ${fmt(r.small)} | ${fmt(r.large)} | ${(r.large / r.small).toFixed(1)}x | ${r.note ?? ""} |`);

// Checks (CI runs this at 1/100 size and checks results, not timings).
// Outstanding at the range's end is the ledger's sum of the entries dated before it (the jobs
// above booked entries dated later).
const whole = range(365 * YEARS + 30);
const overview = JSON.parse((await call("large", "reports.overview", whole)).body).result.data.summary;
const [ledger] = (await db.execute(
  sql`select coalesce(sum(points) filter (where at < ${whole.to}::timestamptz), 0) as points, count(*) as n
      from ledger_entries where practice_id = ${largeId}`,
)) as unknown as { points: string; n: string }[];
const search = JSON.parse((await call("large", "members.search", { q: "gar" })).body).result.data;
console.log(
  JSON.stringify({
    events: Number(counts!.events),
    ledger_entries: Number(ledger!.n),
    outstanding_matches_ledger: overview.outstanding === Number(ledger!.points),
    search_first_page: search.items.length,
    search_total: search.total,
    kiosk_check_ins_during_backtest: busy.length,
    backtest_matches_engine: backtestMatchesEngine,
    backtest_draft_points: backtestResult.draft.points,
    backtest_response_bytes: backtestAnswer.bytes,
    backtest_response_under_1mb: backtestAnswer.bytes < 1024 * 1024,
    built_seconds: Math.round(built),
  }),
);
server.close();
if (fresh && !args.keep) await fresh.dispose();
else {
  const [named] = (await db.execute(sql`select current_database() as name`)) as unknown as { name: string }[];
  console.error(`kept database ${named!.name} (large practice ${largeId}, demo practice ${smallId})`);
  await database.close();
}
process.exit(0);
