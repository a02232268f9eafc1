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

import { events, ledgerEntries, members, rewards, ruleSetVersions } from "@tally/db";
import {
  applyEvent,
  type EngineEvent,
  type EngineState,
  expireDue,
  initialMemberState,
  initialState,
  membersTouchedBy,
} from "@tally/rules";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { Effect, Program } from "../events/engine.ts";
import { toEngineEvent } from "../events/process-event.ts";
import { loadEligible, programFor } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { compileForPractice } from "../rules/rule-sets.ts";
import { type Input, notFound, parseInput } from "../verb.ts";

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

export interface BacktestRule {
  rule: string;
  points: number;
  awards: number;
  coupons: number;
  couponCostCents: number;
  /** Points at the point cost plus the coupons' value. */
  costCents: number;
}

export interface BacktestSide {
  points: number;
  /** Points at the point cost plus the coupons' value. */
  costCents: number;
  pointsCostCents: number;
  awards: number;
  coupons: number;
  couponCostCents: number;
  byRule: BacktestRule[];
  /** The members who got the most (at most BACKTEST_TOP_MEMBERS, and on the active side also
   *  the draft's top members, for comparison): the answer does not grow with the practice. */
  byMember: { memberId: string; name: string; points: number; coupons: number }[];
  /** Members with any points or coupons from this side. */
  memberCount: number;
  /** Points that expired in the range (SPEC 7 `expire`; positive). */
  expired: number;
  /** Members entering each tier at an event in the range (SPEC 7 `tiers`), in the rule set's order. */
  tierChanges: { tier: string; members: number }[];
}

/** How many members a backtest names per side. */
export const BACKTEST_TOP_MEMBERS = 25;

const pointsCost = (points: number, pointCostCentiCents: number) => Math.round((points * pointCostCentiCents) / 100);

/** Effects of events dated in the range, folded into the figures of one side. */
class Tally {
  private byRule = new Map<string, { points: number; awards: number; coupons: number; couponCostCents: number }>();
  private byMember = new Map<string, { points: number; coupons: number }>();

  private couponValue: Map<string, number>;
  private expired = 0;
  private entered = new Map<string, number>();

  constructor(couponValue: Map<string, number>) {
    this.couponValue = couponValue;
  }

  /** Expirations due in the range, whichever event (or the range's end) applied them. */
  addExpirations(effects: Effect[], from: Date, to: Date) {
    for (const e of effects) {
      if (e.type !== "expiration") continue;
      const due = Date.parse(e.at);
      if (due >= from.getTime() && due < to.getTime()) this.expired -= e.points;
    }
  }

  add(effects: Effect[]) {
    for (const e of effects) {
      if (e.type === "award" || e.type === "reversal") {
        // An award of 0 points is not an award (SPEC 5 step 11): the ledger has no entry for it.
        if (e.points === 0) continue;
        const r = this.rule(e.rule);
        r.points += e.points;
        if (e.type === "award") r.awards++;
        this.member(e.member).points += e.points;
      } else if (e.type === "tier") {
        this.entered.set(e.tier, (this.entered.get(e.tier) ?? 0) + 1);
      } else if (e.type === "coupon") {
        const r = this.rule(e.rule);
        r.coupons++;
        r.couponCostCents += this.couponValue.get(e.coupon) ?? 0;
        this.member(e.member).coupons++;
      }
    }
  }

  private rule(name: string) {
    let r = this.byRule.get(name);
    if (!r) {
      r = { points: 0, awards: 0, coupons: 0, couponCostCents: 0 };
      this.byRule.set(name, r);
    }
    return r;
  }

  private member(id: string) {
    let m = this.byMember.get(id);
    if (!m) {
      m = { points: 0, coupons: 0 };
      this.byMember.set(id, m);
    }
    return m;
  }

  summary(names: Map<string, string>, pointCost: number, alsoMembers: Set<string> = new Set(), tiers: string[] = []): BacktestSide {
    const byRule = [...this.byRule]
      .map(([rule, v]) => ({ rule, ...v, costCents: pointsCost(v.points, pointCost) + v.couponCostCents }))
      .sort((a, b) => b.costCents - a.costCents || b.points - a.points || a.rule.localeCompare(b.rule));
    const points = byRule.reduce((s, r) => s + r.points, 0);
    const couponCostCents = byRule.reduce((s, r) => s + r.couponCostCents, 0);
    return {
      points,
      pointsCostCents: pointsCost(points, pointCost),
      costCents: pointsCost(points, pointCost) + couponCostCents,
      awards: byRule.reduce((s, r) => s + r.awards, 0),
      coupons: byRule.reduce((s, r) => s + r.coupons, 0),
      couponCostCents,
      byRule,
      byMember: [...this.byMember]
        .map(([memberId, v]) => ({ memberId, name: names.get(memberId) ?? memberId, ...v }))
        .sort((a, b) => b.points - a.points || b.coupons - a.coupons || a.memberId.localeCompare(b.memberId))
        .filter((m, i) => i < BACKTEST_TOP_MEMBERS || alsoMembers.has(m.memberId)),
      memberCount: this.byMember.size,
      expired: this.expired,
      tierChanges: tiers.map((tier) => ({ tier, members: this.entered.get(tier) ?? 0 })),
    };
  }
}

/** One rule set replayed: its engine state, and the tally of what fell in the range. */
interface Replay {
  program: Program;
  state: EngineState;
  tally: Tally;
}

type Profile = { tags: string[]; birthday: string | null; registered: boolean };

function apply(replay: Replay, event: EngineEvent, profiles: Map<string, Profile>, counted: boolean, range: { from: Date; to: Date }) {
  for (const id of membersTouchedBy(event)) {
    if (!replay.state.members[id]) replay.state.members[id] = initialMemberState(profiles.get(id) ?? {});
  }
  const effects: Effect[] = [];
  applyEvent(replay.program, replay.state, event, effects);
  // Every stored event has its own id: the processed set need not grow with the history.
  delete replay.state.processed[event.id];
  if (counted) replay.tally.add(effects);
  replay.tally.addExpirations(effects, range.from, range.to);
}

/** After the last event: what fell due up to the range's end (or now) expires, as the sweep books it. */
function expireToEnd(replay: Replay, range: { from: Date; to: Date }) {
  if (replay.program.expire === null) return;
  const until = Math.min(range.to.getTime() - 1, Date.now());
  const effects: Effect[] = [];
  for (const [id, m] of Object.entries(replay.state.members)) expireDue(replay.program, m, id, until, effects);
  replay.tally.addExpirations(effects, range.from, range.to);
}

const tierNames = (p: Program) => p.tiers?.tiers.map((t) => t.name) ?? [];

/** Events read per query (tests make it small to cross many pages). */
export const backtestPaging = { size: 5000 };

export async function runBacktest({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestInput> }) {
  authorize(ctx, "rules.backtest");
  const q = parseInput(backtestInput, input);
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

  const replayOf = (program: Program): Replay => ({ program, state: initialState(), tally: new Tally(couponValue) });
  const activeReplay = replayOf(programFor(active?.source ?? "", active?.id ?? "empty", settings));
  const draftReplay =
    active && active.source === source ? null : replayOf(programFor(source, `draft:${source.length}:${hash(source)}`, settings));

  const people = await ctx.db
    .select({
      id: members.id,
      firstName: members.firstName,
      lastName: members.lastName,
      tags: members.tags,
      birthday: members.birthday,
      registered: members.registered,
    })
    .from(members)
    .where(eq(members.practiceId, ctx.practiceId));
  const profiles = new Map<string, Profile>(people.map((p) => [p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered }]));
  const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));

  // Nothing recorded after the last event dated before `to` can change what the range holds.
  // Positions are microseconds since the epoch (the database's precision; a Date has only ms).
  const micros = (column: unknown) => sql<string>`(extract(epoch from ${column}) * 1000000)::bigint::text`;
  const until = sql`(select max(${events.recordedAt}) from ${events} where ${events.practiceId} = ${ctx.practiceId} and ${events.at} < ${q.to.toISOString()}::timestamptz)`;

  // Points moved outside the engine, in the order they were written (not the sweep's expiries:
  // each replay expires its own lots).
  const outside = await ctx.db
    .select({ memberId: ledgerEntries.memberId, points: ledgerEntries.points, position: micros(ledgerEntries.createdAt) })
    .from(ledgerEntries)
    .where(
      and(
        eq(ledgerEntries.practiceId, ctx.practiceId),
        isNull(ledgerEntries.eventId),
        ne(ledgerEntries.kind, "expiry"),
        sql`${ledgerEntries.createdAt} <= ${until}`,
      ),
    )
    .orderBy(asc(ledgerEntries.createdAt), asc(ledgerEntries.id));
  let nextOutside = 0;
  const moveBalances = (before: bigint) => {
    while (nextOutside < outside.length && BigInt(outside[nextOutside]!.position) < before) {
      const x = outside[nextOutside++]!;
      for (const r of [activeReplay, draftReplay]) {
        if (!r) continue;
        r.state.members[x.memberId] ??= initialMemberState(profiles.get(x.memberId) ?? {});
        r.state.members[x.memberId]!.balance += x.points;
      }
    }
  };

  let history = 0;
  let counted = 0;
  let later = 0;
  let cursor: { position: string; id: string } | null = null;
  for (;;) {
    const page: { id: string; at: Date; payload: Record<string, unknown>; position: string }[] = await ctx.db
      .select({ id: events.id, at: events.at, payload: events.payload, position: micros(events.recordedAt) })
      .from(events)
      .where(
        and(
          eq(events.practiceId, ctx.practiceId),
          sql`${events.recordedAt} <= ${until}`,
          cursor
            ? sql`(${events.recordedAt}, ${events.id}) > (timestamptz 'epoch' + ${cursor.position}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(asc(events.recordedAt), asc(events.id))
      .limit(backtestPaging.size);
    for (const e of page) {
      moveBalances(BigInt(e.position));
      const inRange = e.at >= q.from && e.at < q.to;
      if (inRange) counted++;
      else if (e.at < q.from) history++;
      else later++;
      const event = toEngineEvent(e.id, e.payload as never);
      apply(activeReplay, event, profiles, inRange, q);
      if (draftReplay) apply(draftReplay, event, profiles, inRange, q);
    }
    if (page.length < backtestPaging.size) break;
    const tail: { id: string; position: string } = page[page.length - 1]!;
    cursor = { position: tail.position, id: tail.id };
  }

  expireToEnd(activeReplay, q);
  if (draftReplay) expireToEnd(draftReplay, q);
  const draftOnly = draftReplay?.tally.summary(names, practice.pointCostCentiCents, new Set(), tierNames(draftReplay.program));
  const activeSide = activeReplay.tally.summary(
    names,
    practice.pointCostCentiCents,
    new Set(draftOnly?.byMember.map((m) => m.memberId)),
    tierNames(activeReplay.program),
  );
  const draftSide = draftOnly ?? activeSide;
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
    events: counted,
    /** What was replayed to get there: events dated before the range (they build the members'
     *  facts) and events dated after it that were recorded before the range's last event. */
    replayed: { history, inRange: counted, later, total: history + counted + later },
    pointCostCentiCents: practice.pointCostCentiCents,
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

export type BacktestResult = Awaited<ReturnType<typeof runBacktest>>;

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

// Publishing's preview (rules added, removed, changed; the backtest's cost difference) lives beside it.
export * from "./publish-preview.ts";
