// `tally simulate`: run a scenario through check -> compile -> engine and report in the
// exact format of SPEC section 6.
import { check, hasErrors } from "../check/check.ts";
import { compile } from "../compile/compile.ts";
import { applyEvent, initialMemberState, initialState, orderEvents } from "../engine/engine.ts";
import type { Effect } from "../engine/types.ts";
import { type Scenario, validateScenario } from "./scenario.ts";

export interface SimulationOutput {
  awards: { event: string; member: string; rule: string; points: number }[];
  reversals: { event: string; member: string; rule: string; points: number; reverses: string }[];
  coupons: { event: string; member: string; rule: string; coupon: string; expires: string | null }[];
  phases: { event: string; member: string; rule: string; phase: string }[];
  pending: { event: string; member: string; rule: string }[];
  redemptions: { event: string; member: string; points: number }[];
  adjustments: { event: string; member: string; points: number }[];
  rejected: { event: string; member: string; reason: string }[];
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
    state.members[m.id] = initialMemberState({ tags: m.tags ?? [], birthday: m.birthday ?? null, registered: m.registered ?? false });
    mention(m.id);
  }
  const effects: Effect[] = [];
  for (const ev of orderEvents(scenario.events)) {
    mention(ev.member);
    if (ev.type === "referral.converted") mention(ev.referral?.referrer);
    applyEvent(program, state, ev, effects);
  }
  return report(effects, state.members, mentioned);
}

function report(
  effects: Effect[],
  members: Record<string, { balance: number; pending: { event: string }[] }>,
  mentioned: string[],
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
  const stillPending = new Set<string>();
  for (const m of Object.values(members)) for (const r of m.pending) stillPending.add(r.event);
  for (const e of effects) {
    switch (e.type) {
      case "award":
        out.awards.push({ event: e.event, member: e.member, rule: e.rule, points: e.points });
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
