// The one place core talks to the rules engine (@tally/rules): compile a source with practice
// settings, run one event over the members it touches.
import {
  check,
  compile,
  type Diagnostic,
  type Effect,
  type EngineEvent,
  evaluate,
  hasErrors,
  initialMemberState,
  type MemberProfile,
  type MemberState,
  type Program,
} from "@tally/rules";

export type { Diagnostic, Effect, EngineEvent, MemberState, Program };

export interface CompileSettings {
  status: "on" | "off" | "test";
  timezone: string;
  eligible: "all" | readonly string[];
  /** False: referral rules award nothing (the practice switched referral rewards off). Default true. */
  referralRewards?: boolean;
  /** Coupon names of the catalog; when given, other coupon names are errors. */
  catalog?: readonly string[];
}

export function compileSource(source: string, settings: CompileSettings): { program: Program | null; diagnostics: Diagnostic[] } {
  const checked = check(source, settings.catalog ? { catalog: settings.catalog } : {});
  if (hasErrors(checked.diagnostics)) return { program: null, diagnostics: checked.diagnostics };
  const program = compile(checked.ast, {
    status: settings.status,
    timezone: settings.timezone,
    eligible: settings.eligible,
    referralRewards: settings.referralRewards !== false,
  });
  return { program, diagnostics: checked.diagnostics };
}

export const freshMemberState = (profile: MemberProfile): MemberState => initialMemberState(profile);

/** Runs one event over the given members' states; returns the effects and their new states. */
export function runEngine(program: Program, members: Record<string, MemberState>, event: EngineEvent) {
  const { effects, state } = evaluate(program, { members, processed: {} }, event);
  const touched: Record<string, MemberState> = {};
  for (const id of Object.keys(members)) {
    const m = state.members[id];
    if (m) touched[id] = m;
  }
  return { effects, members: touched };
}
