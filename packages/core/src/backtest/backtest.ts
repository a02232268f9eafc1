// Backtest: run a draft rule set over the practice's recorded events, in memory (nothing is
// written), and compare with the active version: points and coupons per rule, per member, and
// their dollar cost (points at the practice's point cost, coupons at their catalog value).
//
// What it replays (SPEC 5): every event of the practice in the order it was recorded, history
// before `from` included, so each member reaches the range with the facts they really had (paid
// invoices, lifetime spend, limits, milestone tallies, open windows, balance); late events are
// judged against the state built so far, as the pipeline judged them. Only what events dated in
// [from, to) produced is counted. Ledger entries written outside the engine (refunds of
// cancelled orders, merges, expiry) move the replayed balances where they were recorded. So the
// active version's backtest over a past period is what the ledger holds for it.
//
// How it runs: the request's process reads the events page by page in recording order (keyset
// pages on `events (practice, recorded_at, id)`: no sort, no offset; only id, time, payload) and
// hands them to a worker thread that runs the engine (replay.ts), so a long backtest leaves the
// API's thread to other requests (a run of a few thousand events replays on this thread). A run
// has an id, progress (events applied of the total), can be cancelled, and answers the totals per
// rule and the top members (a few KB whatever the size).
//
// Where a run lives: a row of `backtest_runs`, so whichever API process a poll reaches answers it.
// The process running it writes its progress about every second (backtestRunTiming.reportMs) and
// its answer at the end; progress, members and cancel read or update the row. A cancel marks the
// row cancelled at once and raises its flag; the running process sees it at its next write and
// stops (at once when the cancel reaches that process itself). A running row with no write for
// `staleMs` lost its process: the next poll reports it failed (interrupted).

import { Worker } from "node:worker_threads";
import { backtestRuns, events, ledgerEntries, members, rewards, ruleSetVersions } from "@tally/db";
import { and, asc, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { loadEligible } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { compileForPractice } from "../rules/rule-sets.ts";
import { type Input, notFound, parseInput } from "../verb.ts";
import { type ReplayEvent, Replayer, type ReplaySetup, type ReplaySides } from "./replay.ts";
import type { FromWorker, ToWorker } from "./replay-worker.ts";

export { BACKTEST_TOP_MEMBERS, type BacktestRule, type BacktestSide } from "./replay.ts";

export const backtestInput = z
  .object({
    /** The draft's source, or a saved version's id. */
    source: z.string().max(200_000).optional(),
    versionId: z.uuid().optional(),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((b) => b.source !== undefined || b.versionId !== undefined, { message: "give source or versionId" })
  .refine((b) => b.from < b.to, { message: "from must be before to" });

/** Events read per query (tests make it small to cross many pages), a pause between pages (tests
 *  slow a run down to cancel it midway; 0 otherwise), and the most events replayed on this thread
 *  (a small practice's year takes milliseconds: not worth a thread's start). */
export const backtestPaging = { size: 10_000, pauseMs: 0, inlineUpTo: 5000 };

/** Pages handed to the worker and not yet applied, at most (memory stays a few pages). */
const IN_FLIGHT = 2;

export interface BacktestProgress {
  id: string;
  status: "running" | "done" | "failed" | "cancelled";
  /** Events applied so far, of `total` to replay. */
  processed: number;
  total: number;
  result: BacktestResult | null;
  error: string | null;
}

/** How often the running process writes its progress (and hears a cancel made elsewhere), after
 *  how long without a write a running run counts as interrupted, and how long a finished run is kept. */
export const backtestRunTiming = { reportMs: 1000, staleMs: 5 * 60_000, keepMs: 24 * 3_600_000 };

/** The runs this process is running (to stop one at once, and for `runBacktest` to await). */
const live = new Map<string, { stop(): void; done: Promise<BacktestResult>; settled: Promise<void> }>();

/** Reads what the replay needs and checks the draft (errors are thrown here, before a run starts). */
async function prepare(ctx: Ctx, q: z.infer<typeof backtestInput>) {
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  let source = q.source;
  if (source === undefined) {
    const [v] = await ctx.db
      .select()
      .from(ruleSetVersions)
      .where(and(eq(ruleSetVersions.id, q.versionId!), eq(ruleSetVersions.practiceId, ctx.practiceId)));
    if (!v) throw notFound("Rule set version");
    source = v.source;
  }
  // The backtest answers "what would it have cost": run as if the program were on.
  await compileForPractice(ctx.db, ctx.practiceId, source);
  const settings = { status: "on" as const, timezone: practice.timezone, eligible: await loadEligible(ctx.db, ctx.practiceId) };
  const [active] = await ctx.db
    .select()
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));

  // Each catalog coupon's dollar value (a coupon without one is worth $0).
  const couponRows = await ctx.db
    .select({ code: rewards.couponCode, valueCents: rewards.valueCents, deletedAt: rewards.deletedAt })
    .from(rewards)
    .where(and(eq(rewards.practiceId, ctx.practiceId), eq(rewards.kind, "coupon")));
  const couponValue = new Map<string, number>();
  for (const c of couponRows.sort((a, b) => Number(a.deletedAt !== null) - Number(b.deletedAt !== null)))
    if (c.code && !couponValue.has(c.code)) couponValue.set(c.code, c.valueCents ?? 0);

  const people = await ctx.db
    .select({ id: members.id, tags: members.tags, birthday: members.birthday, registered: members.registered })
    .from(members)
    .where(eq(members.practiceId, ctx.practiceId));

  // Nothing recorded after the last event dated before `to` can change what the range holds.
  const [last] = await ctx.db
    .select({ at: sql<string | null>`max(${events.recordedAt})::text` })
    .from(events)
    .where(and(eq(events.practiceId, ctx.practiceId), sql`${events.at} < ${q.to.toISOString()}::timestamptz`));
  const until = last?.at ?? null;

  // Points moved outside the engine, in the order they were written (not the sweep's expiries:
  // each replay expires its own lots).
  const outside =
    until === null
      ? []
      : await ctx.db
          .select({ memberId: ledgerEntries.memberId, points: ledgerEntries.points, position: micros(ledgerEntries.createdAt) })
          .from(ledgerEntries)
          .where(
            and(
              eq(ledgerEntries.practiceId, ctx.practiceId),
              isNull(ledgerEntries.eventId),
              ne(ledgerEntries.kind, "expiry"),
              sql`${ledgerEntries.createdAt} <= ${until}::timestamptz`,
            ),
          )
          .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
  const [count] =
    until === null
      ? [{ n: 0 }]
      : await ctx.db
          .select({ n: sql<number>`count(*)::int` })
          .from(events)
          .where(and(eq(events.practiceId, ctx.practiceId), sql`${events.recordedAt} <= ${until}::timestamptz`));

  const setup: ReplaySetup = {
    active: { source: active?.source ?? "", key: active?.id ?? "empty" },
    draft: active && active.source === source ? null : { source, key: `draft:${source.length}:${hash(source)}` },
    settings,
    couponValue: [...couponValue],
    profiles: people.map((p) => [p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered }]),
    outside: outside.map((o) => [o.memberId, o.points, o.position]),
    range: { from: q.from.getTime(), to: q.to.getTime() },
    pointCostCentiCents: practice.pointCostCentiCents,
  };
  return { practice, active, setup, until, total: Number(count?.n ?? 0) };
}

/** Positions are microseconds since the epoch (the database's precision; a Date has only ms). */
const micros = (column: unknown) => sql<string>`(extract(epoch from ${column}) * 1000000)::bigint::text`;

/** The events to replay, page after page in recording order (keyset on the index; no sort, no
 *  offset). The next page is read while the caller handles this one (the worker applies it). */
async function* eventPages(ctx: Ctx, until: string): AsyncGenerator<ReplayEvent[]> {
  type Row = { id: string; at: Date; payload: string; position: string };
  const read = async (cursor: { position: string; id: string } | null): Promise<Row[]> =>
    // The payload as text: the worker parses it, so this thread only moves strings.
    await ctx.db
      .select({ id: events.id, at: events.at, payload: sql<string>`${events.payload}::text`, position: micros(events.recordedAt) })
      .from(events)
      .where(
        and(
          eq(events.practiceId, ctx.practiceId),
          sql`${events.recordedAt} <= ${until}::timestamptz`,
          cursor
            ? sql`(${events.recordedAt}, ${events.id}) > (timestamptz 'epoch' + ${cursor.position}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(events.recordedAt), asc(events.id))
      .limit(backtestPaging.size);
  let next: Promise<Row[]> | null = read(null);
  while (next) {
    const page: Row[] = await next;
    next = null;
    if (page.length === backtestPaging.size) {
      const tail = page[page.length - 1]!;
      next = read({ position: tail.position, id: tail.id });
      // Read ahead: a run stopped before it needs this page leaves its failure to nobody.
      next.catch(() => {});
    }
    if (page.length > 0) yield page.map((e) => [e.id, e.at.getTime(), e.payload, e.position]);
  }
}

/** What a backtest replays, read whole into memory: its setup and every page of events, as a run
 *  hands them to the engine (the scale bench times the engine alone over them). */
export async function backtestReplayInput({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestInput> }) {
  authorize(ctx, "rules.backtest");
  const { setup, until } = await prepare(ctx, parseInput(backtestInput, input));
  const pages: ReplayEvent[][] = [];
  if (until !== null) for await (const page of eventPages(ctx, until)) pages.push(page);
  return { setup, pages };
}

class Cancelled extends DomainError {
  constructor() {
    super("CONFLICT", "The backtest was cancelled.");
  }
}

/** A small run on this thread, page by page (each page read lets other requests in). */
async function replayHere(ctx: Ctx, setup: ReplaySetup, until: string | null, progress: BacktestProgress, cancelled: () => boolean) {
  const replayer = new Replayer(setup);
  if (until !== null) {
    for await (const page of eventPages(ctx, until)) {
      if (cancelled()) throw new Cancelled();
      replayer.page(page);
      progress.processed += page.length;
      if (backtestPaging.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, backtestPaging.pauseMs));
    }
  }
  if (cancelled()) throw new Cancelled();
  return replayer.finish();
}

/** Feeds the worker the pages and answers both sides; `progress.processed` follows the worker. */
async function replayInWorker(
  ctx: Ctx,
  setup: ReplaySetup,
  until: string | null,
  progress: BacktestProgress,
  cancelled: () => boolean,
  onWorker: (w: Worker) => void,
) {
  const worker = takeWorker();
  onWorker(worker);
  let finished = false;
  let sent = 0;
  let waiting: (() => void) | null = null;
  let failure: Error | null = null;
  let answer: ((sides: ReplaySides) => void) | null = null;
  let refuse: ((e: Error) => void) | null = null;
  const sides = new Promise<ReplaySides>((resolve, reject) => {
    answer = resolve;
    refuse = reject;
  });
  sides.catch(() => {});
  const fail = (e: Error) => {
    failure ??= e;
    refuse?.(failure);
    waiting?.();
  };
  worker.on("error", (e: Error) => fail(e));
  worker.on("exit", () => fail(cancelled() ? new Cancelled() : new Error("the backtest's worker stopped")));
  worker.on("message", (m: FromWorker) => {
    if ("applied" in m) progress.processed = m.applied;
    else if ("sides" in m) answer?.(m.sides);
    else fail(new Error(m.error));
    waiting?.();
  });
  const post = (m: ToWorker) => worker.postMessage(m);
  try {
    post({ setup });
    if (until !== null) {
      for await (const page of eventPages(ctx, until)) {
        // At most IN_FLIGHT pages ahead of the worker.
        while (!failure && !cancelled() && sent - progress.processed >= IN_FLIGHT * backtestPaging.size)
          await new Promise<void>((resolve) => {
            waiting = resolve;
          });
        if (failure) throw failure;
        if (cancelled()) throw new Cancelled();
        post({ page });
        sent += page.length;
        if (backtestPaging.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, backtestPaging.pauseMs));
      }
    }
    post({ end: true });
    const answered = await sides;
    finished = true;
    return answered;
  } finally {
    if (finished) giveBack(worker);
    else await worker.terminate();
  }
}

// One idle worker is kept (unreferenced: it does not hold the process open), so a backtest does
// not pay for loading the engine again.
let idle: Worker | null = null;

function takeWorker(): Worker {
  const worker = idle ?? new Worker(new URL("./replay-worker.ts", import.meta.url));
  idle = null;
  worker.removeAllListeners();
  worker.ref();
  return worker;
}

function giveBack(worker: Worker) {
  worker.removeAllListeners();
  if (idle) {
    void worker.terminate();
    return;
  }
  worker.unref();
  worker.on("exit", () => {
    if (idle === worker) idle = null;
  });
  worker.on("error", () => {
    if (idle === worker) idle = null;
  });
  idle = worker;
}

/** Starts a backtest in the background and answers its id; the draft's errors are thrown here. */
export async function startBacktest({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestInput> }): Promise<BacktestProgress> {
  authorize(ctx, "rules.backtest");
  const q = parseInput(backtestInput, input);
  const { practice, active, setup, until, total } = await prepare(ctx, q);
  const id = crypto.randomUUID();
  await ctx.db.insert(backtestRuns).values({
    id,
    practiceId: ctx.practiceId,
    startedBy: `${ctx.actor.kind}:${ctx.actor.id}`,
    rangeFrom: q.from,
    rangeTo: q.to,
    versionId: q.versionId ?? null,
    draftHash: q.source === undefined ? null : hash(q.source),
    total,
  });
  const progress: BacktestProgress = { id, status: "running", processed: 0, total, result: null, error: null };
  let stop = false;
  let worker: Worker | null = null;
  let ranking: ReplaySides["ranking"] | null = null;
  const halt = () => {
    stop = true;
    void worker?.terminate();
  };
  const done = (async () => {
    const sides =
      total <= backtestPaging.inlineUpTo
        ? await replayHere(ctx, setup, until, progress, () => stop)
        : await replayInWorker(
            ctx,
            setup,
            until,
            progress,
            () => stop,
            (w) => {
              worker = w;
            },
          );
    ranking = sides.ranking;
    return resultOf(ctx, q, sides, practice.pointCostCentiCents, active ?? null);
  })();
  done.catch(() => {});

  // The row follows the run: progress about every second (a cancel from another process is
  // heard there), then the answer. Writes only touch a running row: a cancelled one stays as
  // the cancel left it.
  const thisRun = and(eq(backtestRuns.practiceId, ctx.practiceId), eq(backtestRuns.id, id), eq(backtestRuns.status, "running"));
  let writing: Promise<unknown> = Promise.resolve();
  const report = async () => {
    const [row] = await ctx.db
      .update(backtestRuns)
      .set({ processed: progress.processed, updatedAt: sql`now()` })
      .where(thisRun)
      .returning({ cancelRequested: backtestRuns.cancelRequested });
    if (!row || row.cancelRequested) halt();
  };
  const timer = setInterval(() => {
    writing = writing.then(report).catch(() => {});
  }, backtestRunTiming.reportMs);
  timer.unref();
  const settled = done
    .then(
      (result) => {
        progress.status = "done";
        progress.result = result;
      },
      (e) => {
        progress.status = stop ? "cancelled" : "failed";
        progress.error = stop ? null : e instanceof Error ? e.message : String(e);
      },
    )
    .then(async () => {
      clearInterval(timer);
      await writing;
      await ctx.db
        .update(backtestRuns)
        .set({
          status: progress.status,
          processed: progress.processed,
          result: progress.result,
          ranking: progress.status === "done" ? ranking : null,
          error: progress.error,
          updatedAt: sql`now()`,
          finishedAt: sql`now()`,
        })
        .where(thisRun);
    })
    .catch(() => {})
    .finally(() => live.delete(id));
  live.set(id, { stop: halt, done, settled });
  return { ...progress };
}

export const backtestRunInput = z.object({ id: z.uuid() });

/** A run's row as the answer says it (not its ranking); a running row left by a process that
 *  stopped writing is marked failed first. */
async function readRun(ctx: Ctx, id: string): Promise<BacktestProgress> {
  const where = and(eq(backtestRuns.practiceId, ctx.practiceId), eq(backtestRuns.id, id));
  const stale = sql<boolean>`${backtestRuns.updatedAt} < now() - ${backtestRunTiming.staleMs}::int * interval '1 millisecond'`;
  const read = () =>
    ctx.db
      .select({
        status: backtestRuns.status,
        processed: backtestRuns.processed,
        total: backtestRuns.total,
        result: backtestRuns.result,
        error: backtestRuns.error,
        stale,
      })
      .from(backtestRuns)
      .where(where);
  let [row] = await read();
  if (!row) throw notFound("Backtest");
  if (row.status === "running" && row.stale && !live.has(id)) {
    await ctx.db
      .update(backtestRuns)
      .set({
        status: "failed",
        error: "The backtest was interrupted (its server stopped). Run it again.",
        finishedAt: sql`now()`,
      })
      .where(and(where, eq(backtestRuns.status, "running"), stale));
    [row] = await read();
    if (!row) throw notFound("Backtest");
  }
  const result = row.result as (Omit<BacktestResult, "from" | "to"> & { from: string; to: string }) | null;
  return {
    id,
    status: row.status,
    processed: row.processed,
    total: row.total,
    result: result && { ...result, from: new Date(result.from), to: new Date(result.to) },
    error: row.error,
  };
}

/** A run's progress (and its answer once done), from whichever process runs it. */
export async function backtestProgress({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestRunInput> }): Promise<BacktestProgress> {
  authorize(ctx, "rules.backtest");
  return readRun(ctx, parseInput(backtestRunInput, input).id);
}

/** Stops a run, whichever process runs it: it says `cancelled` at once and its process stops
 *  (this one at once, another at its next progress write). A finished run is answered as it is. */
export async function cancelBacktest({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestRunInput> }): Promise<BacktestProgress> {
  authorize(ctx, "rules.backtest");
  const { id } = parseInput(backtestRunInput, input);
  await ctx.db
    .update(backtestRuns)
    .set({ cancelRequested: true, status: "cancelled", updatedAt: sql`now()`, finishedAt: sql`now()` })
    .where(and(eq(backtestRuns.practiceId, ctx.practiceId), eq(backtestRuns.id, id), eq(backtestRuns.status, "running")));
  const here = live.get(id);
  const run = await readRun(ctx, id);
  if (here && run.status === "cancelled") {
    here.stop();
    await here.settled;
  }
  return run;
}

export const backtestMembersInput = z.object({
  id: z.uuid(),
  side: z.enum(["draft", "active"]),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100).default(25),
});

/** A page of a finished run's members, most points first (the answer names only the top ones). */
export async function backtestMembers({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestMembersInput> }) {
  authorize(ctx, "rules.backtest");
  const q = parseInput(backtestMembersInput, input);
  // Only the page leaves the database, not the whole ranking.
  const side = sql`${backtestRuns.ranking} -> ${q.side}::text`;
  const [row] = await ctx.db
    .select({
      status: backtestRuns.status,
      total: sql<number | null>`jsonb_array_length(${side})`,
      page: sql<string | null>`(select jsonb_agg(x.e order by x.n)::text from jsonb_array_elements(${side}) with ordinality as x(e, n)
        where x.n > ${q.offset}::int and x.n <= ${q.offset + q.limit}::int)`,
    })
    .from(backtestRuns)
    .where(and(eq(backtestRuns.practiceId, ctx.practiceId), eq(backtestRuns.id, q.id)));
  if (!row) throw notFound("Backtest");
  if (row.status !== "done" || row.total === null) throw new DomainError("CONFLICT", "The backtest has not finished.");
  const page: [string, number, number][] = row.page ? JSON.parse(row.page) : [];
  const people =
    page.length === 0
      ? []
      : await ctx.db
          .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
          .from(members)
          .where(
            and(
              eq(members.practiceId, ctx.practiceId),
              inArray(
                members.id,
                page.map(([id]) => id),
              ),
            ),
          );
  const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
  return {
    total: Number(row.total),
    offset: q.offset,
    items: page.map(([memberId, points, coupons]) => ({ memberId, name: names.get(memberId) ?? memberId, points, coupons })),
  };
}

/** A backtest from start to answer (the publish preview, scripts): the same run, awaited. */
export async function runBacktest({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestInput> }) {
  const { id } = await startBacktest({ ctx, input });
  const run = live.get(id)!;
  // The row is final first (answered or not).
  await run.settled;
  return run.done;
}

/** Deletes finished runs older than a day, and running ones no process has written for as long
 *  (their process stopped and nobody polled them); the daily cleanup job. */
export async function deleteOldBacktestRuns(db: Ctx["db"], now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - backtestRunTiming.keepMs);
  const deleted = await db
    .delete(backtestRuns)
    .where(or(lt(backtestRuns.finishedAt, cutoff), and(eq(backtestRuns.status, "running"), lt(backtestRuns.updatedAt, cutoff))))
    .returning({ id: backtestRuns.id });
  return deleted.length;
}

async function resultOf(
  ctx: Ctx,
  q: z.infer<typeof backtestInput>,
  sides: ReplaySides,
  pointCostCentiCents: number,
  active: { id: string; version: number } | null,
) {
  // Names of the members named (a few dozen), not of the practice.
  const named = [...new Set([...sides.draft.byMember, ...sides.active.byMember].map((m) => m.memberId))];
  const people =
    named.length === 0
      ? []
      : await ctx.db
          .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
          .from(members)
          .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, named)));
  const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));
  const withNames = (side: ReplaySides["draft"]) => ({
    ...side,
    byMember: side.byMember.map((m) => ({ ...m, name: names.get(m.memberId) ?? m.memberId })),
  });
  const draftSide = withNames(sides.draft);
  const activeSide = sides.draft === sides.active ? draftSide : withNames(sides.active);
  const rules = new Set([...draftSide.byRule.map((r) => r.rule), ...activeSide.byRule.map((r) => r.rule)]);
  const difference = [...rules]
    .map((rule) => {
      const d = draftSide.byRule.find((r) => r.rule === rule);
      const a = activeSide.byRule.find((r) => r.rule === rule);
      return {
        rule,
        draft: d?.points ?? 0,
        active: a?.points ?? 0,
        difference: (d?.points ?? 0) - (a?.points ?? 0),
        draftCoupons: d?.coupons ?? 0,
        activeCoupons: a?.coupons ?? 0,
        draftCostCents: d?.costCents ?? 0,
        activeCostCents: a?.costCents ?? 0,
        costDifferenceCents: (d?.costCents ?? 0) - (a?.costCents ?? 0),
      };
    })
    .sort((x, y) => Math.abs(y.costDifferenceCents) - Math.abs(x.costDifferenceCents) || Math.abs(y.difference) - Math.abs(x.difference));
  return {
    from: q.from,
    to: q.to,
    /** Events dated in the range: what the figures count. */
    events: sides.replayed.inRange,
    /** What was replayed to get there: events dated before the range (they build the members'
     *  facts) and events dated after it that were recorded before the range's last event. */
    replayed: sides.replayed,
    pointCostCentiCents,
    draft: draftSide,
    active: { versionId: active?.id ?? null, version: active?.version ?? null, ...activeSide },
    difference: {
      points: draftSide.points - activeSide.points,
      coupons: draftSide.coupons - activeSide.coupons,
      costCents: draftSide.costCents - activeSide.costCents,
      expired: draftSide.expired - activeSide.expired,
      byRule: difference,
    },
  };
}

export type BacktestResult = Awaited<ReturnType<typeof resultOf>>;

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

// Publishing's preview (rules added, removed, changed; the backtest's cost difference) lives beside it.
export * from "./publish-preview.ts";
