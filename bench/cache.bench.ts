// The read barrier's cost (PostgreSQL): API processes keep their read caches exact across
// processes (NOTIFY tally_cache), and before a cached read a process waits to hear a notice of its
// own, one round trip to PostgreSQL (readBarrier in packages/db/src/client.ts). Measured on the
// staff session check every staff request makes (resolveStaffSession, cached), in one process on
// one database, three ways: caches on with the barrier (as every API process runs); caches on
// without it (skipReadBarrier: what a process alone on its database could do); caches off (every
// check reads the database). One at a time, and 50 at once (waiting reads share a round trip).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/cache.bench.ts [--calls 2000] [--rounds 5]
import { parseArgs } from "node:util";
import { createSession, resolveStaffSession } from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { createDatabase, skipReadBarrier, staffUsers } from "@tally/db";
import { createTestDatabase } from "@tally/db/testing";

const { values: args } = parseArgs({
  options: { calls: { type: "string", default: "2000" }, rounds: { type: "string", default: "5" } },
});
const calls = Number(args.calls);
const rounds = Number(args.rounds);
if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL (PostgreSQL): the barrier is PostgreSQL's.");

const test = await createTestDatabase({ max: 4 });
await seedDemo(test.db, { members: 5 });
const [staff] = await test.db.select().from(staffUsers).limit(1);
if (!staff) throw new Error("no staff user seeded");
const { token } = await createSession(test.db, { kind: "staff", practiceId: staff.practiceId, staffUserId: staff.id });

const url = test.url!;
const barrier = createDatabase({ url, max: 10 });
await barrier.enableReadCaches();
const alone = createDatabase({ url, max: 10 });
await alone.enableReadCaches();
skipReadBarrier(alone.db);
const uncached = createDatabase({ url, max: 10 });
const ways = { "cached, barrier on": barrier, "cached, barrier off": alone, "no cache": uncached } as const;

async function check(db: typeof barrier.db) {
  const who = await resolveStaffSession(db, token);
  if (!who) throw new Error("the session did not resolve");
}

/** Microseconds per check: `calls` in a row, or in waves of `parallel` at once. */
async function measure(db: typeof barrier.db, parallel: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let done = 0; done < calls; done += parallel) await Promise.all(Array.from({ length: parallel }, () => check(db)));
  return Number(process.hrtime.bigint() - started) / 1000 / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, Record<number, number[]>> = {};
for (const { db } of Object.values(ways)) await measure(db, 1); // warm: statements prepared, caches filled
for (let round = 0; round < rounds; round++) {
  for (const parallel of [1, 50]) {
    for (const [name, { db }] of Object.entries(ways)) {
      results[name] ??= { 1: [], 50: [] };
      results[name]![parallel]!.push(await measure(db, parallel));
    }
  }
}

const base = (parallel: number) => median(results["cached, barrier off"]![parallel]!);
console.log(`staff session check, ${calls} calls x ${rounds} rounds, median per check (ratio to barrier off)`);
for (const [name, byParallel] of Object.entries(results)) {
  const cells = [1, 50].map((p) => `${median(byParallel[p]!).toFixed(1)} µs (${(median(byParallel[p]!) / base(p)).toFixed(1)}x)`);
  console.log(`${name.padEnd(22)} one at a time: ${cells[0]!.padEnd(20)} 50 at once: ${cells[1]}`);
}

for (const { close } of Object.values(ways)) await close();
await test.dispose();
