// Public API of @tally/rules: parse -> check -> compile -> evaluate, plus the simulator,
// formatter, diagnostics printer, plain-English descriptions and the event/field catalog.
export { parse, type ParseResult } from "./parser/parse.ts";
export { check, checkAst, hasErrors, type CheckOptions, type CheckResult } from "./check/check.ts";
export { compile, CompileError, type Program, type ProgramSettings, type CompiledRule } from "./compile/compile.ts";
export {
  evaluate,
  applyEvent,
  initialState,
  initialMemberState,
  membersTouchedBy,
  orderEvents,
  parseCents,
} from "./engine/engine.ts";
export { explainAward, awardKey } from "./engine/explain.ts";
export { simulate, type SimulationOutput, type SimulationErrors, type SimulationResult } from "./simulate/simulate.ts";
export { validateScenario, ScenarioError, type Scenario, type ScenarioMember } from "./simulate/scenario.ts";
export { format, formatRule, formatExpr } from "./format/format.ts";
export { formatDiagnostic, type Diagnostic, type DiagnosticCode, type Severity, type Span } from "./diagnostics/diagnostic.ts";
export { describeRule } from "./describe.ts";
export {
  events,
  eventsByName,
  memberFields,
  instantFields,
  fieldsFor,
  writableEvents,
  type EventInfo,
  type FieldInfo,
  type ValueType,
} from "./check/catalog.ts";
export { stripPositions } from "./ast/ast.ts";
export type * from "./ast/ast.ts";
export type * from "./engine/types.ts";
