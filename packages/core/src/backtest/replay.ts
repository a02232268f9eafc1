// The backtest's replay, with no database: two rule sets run over the same events, each with its
// engine state and the tally of what fell in the range. Runs in a worker thread (replay-worker.ts)
// fed pages of events by the request's process, so the engine's CPU never holds the API's thread.

import {
  applyEvent,
  type EngineEvent,
  type EngineState,
  expireDue,
  initialMemberState,
  initialState,
  membersTouchedBy,
} from "@tally/rules";
import type { Effect, Program } from "../events/engine.ts";
import { toEngineEvent } from "../events/process-event.ts";
import { programFor } from "../events/program.ts";

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

  /** Every member with points or coupons from this side, most first: [member, points, coupons]. */
  ranking(): [string, number, number][] {
    return [...this.byMember]
      .map(([memberId, v]): [string, number, number] => [memberId, v.points, v.coupons])
      .sort((a, b) => b[1] - a[1] || b[2] - a[2] || a[0].localeCompare(b[0]));
  }
}

/** One rule set replayed: its engine state, and the tally of what fell in the range. */
interface Replay {
  program: Program;
  state: EngineState;
  tally: Tally;
}

export type Profile = { tags: string[]; birthday: string | null; registered: boolean };

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

/** What the worker needs to start: both rule sets' sources, the settings, the members' profiles. */
export interface ReplaySetup {
  active: { source: string; key: string };
  /** Null when the draft is the active version (one replay serves both sides). */
  draft: { source: string; key: string } | null;
  settings: { status: "on"; timezone: string; eligible: "all" | string[] };
  couponValue: [string, number][];
  profiles: [string, Profile][];
  /** Points moved outside the engine, in the order written: [member, points, position (µs)]. */
  outside: [string, number, string][];
  range: { from: number; to: number };
  pointCostCentiCents: number;
}

/** One recorded event as the replay reads it: id, time, payload (JSON text), recording position (µs). */
export type ReplayEvent = [id: string, at: number, payload: string, position: string];

export interface ReplaySides {
  active: BacktestSide;
  draft: BacktestSide;
  replayed: { history: number; inRange: number; later: number; total: number };
  /** Each side's members in order (`Tally.ranking`), kept by the run for the pages of members. */
  ranking: { active: [string, number, number][]; draft: [string, number, number][] };
}

/** Both replays fed page by page; `finish` folds the tallies into the two sides (member ids as names). */
export class Replayer {
  private active: Replay;
  private draft: Replay | null;
  private profiles: Map<string, Profile>;
  private outside: [string, number, string][];
  /** Where each of `outside` was written (µs since the epoch: exact as a number up to 2255). */
  private outsideAt: number[];
  private nextOutside = 0;
  private range: { from: Date; to: Date };
  private pointCost: number;
  readonly counts = { history: 0, inRange: 0, later: 0 };

  constructor(setup: ReplaySetup) {
    const couponValue = new Map(setup.couponValue);
    const replayOf = (p: { source: string; key: string }): Replay => ({
      program: programFor(p.source, p.key, setup.settings),
      state: initialState(),
      tally: new Tally(couponValue),
    });
    this.active = replayOf(setup.active);
    this.draft = setup.draft ? replayOf(setup.draft) : null;
    this.profiles = new Map(setup.profiles);
    this.outside = setup.outside;
    this.outsideAt = setup.outside.map((o) => Number(o[2]));
    this.range = { from: new Date(setup.range.from), to: new Date(setup.range.to) };
    this.pointCost = setup.pointCostCentiCents;
  }

  private moveBalances(before: number) {
    while (this.nextOutside < this.outside.length && this.outsideAt[this.nextOutside]! < before) {
      const [memberId, points] = this.outside[this.nextOutside++]!;
      for (const r of [this.active, this.draft]) {
        if (!r) continue;
        r.state.members[memberId] ??= initialMemberState(this.profiles.get(memberId) ?? {});
        r.state.members[memberId]!.balance += points;
      }
    }
  }

  page(events: ReplayEvent[]) {
    const from = this.range.from.getTime();
    const to = this.range.to.getTime();
    for (const [id, at, payload, position] of events) {
      this.moveBalances(Number(position));
      const inRange = at >= from && at < to;
      if (inRange) this.counts.inRange++;
      else if (at < from) this.counts.history++;
      else this.counts.later++;
      const event = toEngineEvent(id, JSON.parse(payload));
      apply(this.active, event, this.profiles, inRange, this.range);
      if (this.draft) apply(this.draft, event, this.profiles, inRange, this.range);
    }
  }

  finish(): ReplaySides {
    expireToEnd(this.active, this.range);
    if (this.draft) expireToEnd(this.draft, this.range);
    const ids = new Map<string, string>();
    const draftOnly = this.draft?.tally.summary(ids, this.pointCost, new Set(), tierNames(this.draft.program));
    const active = this.active.tally.summary(
      ids,
      this.pointCost,
      new Set(draftOnly?.byMember.map((m) => m.memberId)),
      tierNames(this.active.program),
    );
    const { history, inRange, later } = this.counts;
    const activeRanking = this.active.tally.ranking();
    return {
      active,
      draft: draftOnly ?? active,
      replayed: { history, inRange, later, total: history + inRange + later },
      ranking: { active: activeRanking, draft: this.draft ? this.draft.tally.ranking() : activeRanking },
    };
  }
}
