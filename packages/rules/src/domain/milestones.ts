// Progress toward each milestone program, one shape for the kiosk, the portal and the admin app.
// "All phases done" (a limited program whose every phase is reached) is `finished`: no next phase,
// the bar full (tally = target = the last phase's count), phasesDone = phasesTotal. An unlimited
// program repeats and never finishes.

import type { CompiledMilestone, CompiledRule } from "../compile/compile.ts";
import type { MilestoneState } from "../engine/types.ts";

export interface MilestoneProgress {
  /** The milestone rule's name. */
  name: string;
  program: "unlimited" | "limited";
  /** The phase being worked toward (limited); null when unlimited or finished. */
  nextPhase: string | null;
  /** Phases achieved so far, in order (the last one is the member's current phase). */
  achieved: string[];
  /** Perfect surveys counted toward the next prize, and how many it takes. */
  tally: number;
  target: number;
  /** Limited programs: phases reached and in all (0 and 0 when unlimited). */
  phasesDone: number;
  phasesTotal: number;
  /** The next prize (the last one once finished). */
  prizePoints: number;
  prizeCoupons: string[];
  finished: boolean;
}

/** The member's progress in one milestone rule, from its engine state (none yet: the start). */
export function milestoneProgress(rule: CompiledMilestone, state: Partial<MilestoneState> | null | undefined): MilestoneProgress {
  const limited = rule.program === "limited";
  const total = limited ? rule.steps.length : 0;
  const done = limited ? Math.min(state?.phase ?? 0, total) : 0;
  const finished = limited && done >= total;
  const step = rule.steps[limited ? Math.min(done, total - 1) : 0]!;
  return {
    name: rule.name,
    program: rule.program,
    nextPhase: finished ? null : step.name,
    achieved: state?.achieved ?? [],
    tally: finished ? step.count : (state?.tally ?? 0),
    target: step.count,
    phasesDone: done,
    phasesTotal: total,
    prizePoints: step.prize.points,
    prizeCoupons: step.prize.coupons,
    finished,
  };
}

/** Progress in every milestone rule of a program, in declaration order. */
export function milestonesOf(
  program: { readonly rules: readonly CompiledRule[] },
  state: { milestones?: Record<string, Partial<MilestoneState>> } | null | undefined,
): MilestoneProgress[] {
  return program.rules
    .filter((r): r is CompiledMilestone => r.kind === "milestone")
    .map((r) => milestoneProgress(r, state?.milestones?.[r.name]));
}
