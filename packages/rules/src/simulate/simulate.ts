// `tally simulate`: run a scenario through check -> compile -> engine and report in the
// exact format of SPEC section 6.
import { check, hasErrors } from "../check/check.ts";
import type { Program } from "../compile/compile.ts";
import { compile } from "../compile/compile.ts";
import { applyEvent, expireDue, initialMemberState, initialState, membersTouchedBy, nextExpiry, orderEvents } from "../engine/engine.ts";
import type { Effect, EngineState } from "../engine/types.ts";
import { type Scenario, validateScenario } from "./scenario.ts";

export interface SimulationOutput {
  /** `available`: only for earn rules with `available after` (SPEC 7). */
  awards: { event: string; member: string; rule: string; points: number; available?: string }[];
  reversals: { event: string; member: string; rule: string; points: number; reverses: string }[];
  coupons: { event: string; member: string; rule: string; coupon: string; expires: string | null }[];
  phases: { event: string; member: string; rule: string; phase: string }[];
  pending: { event: string; member: string; rule: string }[];
  redemptions: { event: string; member: string; points: number }[];
  adjustments: { event: string; member: string; points: number }[];
  rejected: { event: string; member: string; reason: string }[];
  /** Only when the rule set declares `tiers` (SPEC 7). */
  tiers?: { event: string; member: string; tier: string; from: string | null }[];
  /** Only when the rule set declares `expire` (SPEC 7). */
  expirations?: { member: string; points: number; at: string }[];
  balances: Record<string, number>;
}

export interface SimulationErrors {
  errors: { line: number; column: number; message: string; hint?: string }[];
}

export type SimulationResult = SimulationOutput | SimulationErrors;

/** Runs a scenario (parsed JSON). Throws ScenarioError when the file itself is malformed. */
export function simulate(input: unknown): SimulationResult {
  const scenario: Scenario = validateScenario(input);
  const checked = check(scenario.rules, scenario.coupons ? { catalog: scenario.coupons } : {});
  if (hasErrors(checked.diagnostics)) {
    return {
      errors: checked.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) =>
          d.hint === undefined
            ? { line: d.line, column: d.column, message: d.message }
            : { line: d.line, column: d.column, message: d.message, hint: d.hint },
        ),
    };
  }
  const program = compile(checked.ast, {
    timezone: scenario.timezone ?? "UTC",
    status: scenario.status ?? "on",
    eligible: scenario.eligible ?? "all",
  });

  const state = initialState();
  const mentioned: string[] = [];
  const mention = (id: string | undefined) => {
    if (id !== undefined && !mentioned.includes(id)) mentioned.push(id);
  };
  for (const m of scenario.members ?? []) {
    state.members[m.id] = initialMemberState({
      tags: m.tags ?? [],
      birthday: m.birthday ?? null,
      registered: m.registered ?? false,
      excluded: m.excluded ?? false,
    });
    mention(m.id);
  }
  const effects: Effect[] = [];
  const ordered = orderEvents(scenario.events);
  const expiries = new ExpiryQueue(program, state);
  for (const ev of ordered) {
    mention(ev.member);
    if (ev.type === "referral.converted") mention(ev.referral?.referrer);
    // Every member's expirations due at or before this event, in order of their instant.
    expiries.runUntil(Date.parse(ev.at), effects);
    applyEvent(program, state, ev, effects);
    for (const id of membersTouchedBy(ev)) expiries.schedule(id);
  }
  const last = ordered.length > 0 ? Date.parse(ordered[ordered.length - 1]!.at) : Number.NEGATIVE_INFINITY;
  expiries.runUntil(scenario.now !== undefined ? Math.max(last, Date.parse(scenario.now)) : last, effects);
  return report(effects, state.members, mentioned, program);
}

/** Members' next expirations as a min-heap of [due, member]: each event pays only for what is due. */
class ExpiryQueue {
  private heap: [number, string][] = [];
  private scheduled = new Map<string, number>();
  private program: Program;
  private state: EngineState;
  constructor(program: Program, state: EngineState) {
    this.program = program;
    this.state = state;
    for (const id of Object.keys(state.members)) this.schedule(id);
  }

  schedule(id: string): void {
    if (this.program.expire === null || this.program.status === "off") return;
    const m = this.state.members[id];
    if (m === undefined) return;
    const due = nextExpiry(this.program, m);
    if (!Number.isFinite(due) || this.scheduled.get(id) === due) return;
    this.scheduled.set(id, due);
    this.push([due, id]);
  }

  runUntil(until: number, out: Effect[]): void {
    while (this.heap.length > 0 && this.heap[0]![0] <= until) {
      const [due, id] = this.pop();
      if (this.scheduled.get(id) !== due) continue; // superseded
      this.scheduled.delete(id);
      expireDue(this.program, this.state.members[id]!, id, due, out);
      this.schedule(id);
    }
  }

  private push(x: [number, string]): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): [number, string] {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < h.length && less(h[l]!, h[min]!)) min = l;
        if (r < h.length && less(h[r]!, h[min]!)) min = r;
        if (min === i) break;
        [h[i], h[min]] = [h[min]!, h[i]!];
        i = min;
      }
    }
    return top;
  }
}

function less(a: [number, string], b: [number, string]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function report(
  effects: Effect[],
  members: Record<string, { balance: number; pending: { event: string }[] }>,
  mentioned: string[],
  program: Program,
): SimulationOutput {
  const out: SimulationOutput = {
    awards: [],
    reversals: [],
    coupons: [],
    phases: [],
    pending: [],
    redemptions: [],
    adjustments: [],
    rejected: [],
    balances: {},
  };
  // The v2 keys exist only when the rule set declares them; `balances` stays last.
  if (program.tiers !== null || program.expire !== null) {
    delete (out as Partial<SimulationOutput>).balances;
    if (program.tiers !== null) out.tiers = [];
    if (program.expire !== null) out.expirations = [];
    out.balances = {};
  }
  const stillPending = new Set<string>();
  for (const m of Object.values(members)) for (const r of m.pending) stillPending.add(r.event);
  for (const e of effects) {
    switch (e.type) {
      case "award":
        out.awards.push(
          e.available === undefined
            ? { event: e.event, member: e.member, rule: e.rule, points: e.points }
            : { event: e.event, member: e.member, rule: e.rule, points: e.points, available: e.available },
        );
        break;
      case "tier":
        out.tiers?.push({ event: e.event, member: e.member, tier: e.tier, from: e.from });
        break;
      case "expiration":
        out.expirations?.push({ member: e.member, points: e.points, at: e.at });
        break;
      case "reversal":
        out.reversals.push({ event: e.event, member: e.member, rule: e.rule, points: e.points, reverses: e.reverses });
        break;
      case "coupon":
        out.coupons.push({ event: e.event, member: e.member, rule: e.rule, coupon: e.coupon, expires: e.expires });
        break;
      case "phase":
        out.phases.push({ event: e.event, member: e.member, rule: e.rule, phase: e.phase });
        break;
      case "pending":
        if (stillPending.has(e.event)) out.pending.push({ event: e.event, member: e.member, rule: e.rule });
        break;
      case "redemption":
        out.redemptions.push({ event: e.event, member: e.member, points: e.points });
        break;
      case "adjustment":
        out.adjustments.push({ event: e.event, member: e.member, points: e.points });
        break;
      case "rejected":
        out.rejected.push({ event: e.event, member: e.member, reason: e.reason });
        break;
      case "request_closed":
        break;
    }
  }
  for (const id of mentioned) out.balances[id] = members[id]?.balance ?? 0;
  return out;
}
