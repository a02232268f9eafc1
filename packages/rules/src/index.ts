// Public API of @tally/rules: parse -> check -> compile -> evaluate, plus the simulator,
// formatter, diagnostics printer, plain-English descriptions and the event/field catalog.

export type * from "./ast/ast.ts";
export { stripPositions } from "./ast/ast.ts";
export {
  type EventInfo,
  type EventType,
  eventFields,
  events,
  eventsByName,
  eventTypes,
  type FieldInfo,
  fieldsFor,
  instantFields,
  isEventType,
  memberFields,
  type ValueType,
  writableEvents,
} from "./check/catalog.ts";
export { BOUNDS, type CheckOptions, type CheckResult, check, checkAst, hasErrors } from "./check/check.ts";
export {
  type CompiledDuration,
  type CompiledExpire,
  type CompiledRule,
  type CompiledTier,
  type CompiledTiers,
  CompileError,
  compile,
  type Program,
  type ProgramSettings,
} from "./compile/compile.ts";
export { describeDeclaration, describeRule } from "./describe.ts";
export { type Diagnostic, type DiagnosticCode, formatDiagnostic, type Severity, type Span } from "./diagnostics/diagnostic.ts";
export * from "./domain/index.ts";
export {
  applyEvent,
  creditPoints,
  evaluate,
  expireDue,
  initialMemberState,
  initialState,
  linesSignature,
  MAX_AMOUNT,
  MAX_INVOICE_CENTS,
  membersTouchedBy,
  mergeMemberStates,
  mulDivFloor,
  nextExpiry,
  orderEvents,
  parseCents,
  pointsDueToExpire,
  pointsNotYetAvailable,
  qualifyingValue,
  tierStatus,
  upcomingExpirations,
} from "./engine/engine.ts";
export { awardKey, explainAward } from "./engine/explain.ts";
export type * from "./engine/types.ts";
export { format, formatDeclaration, formatExpr, formatRule } from "./format/format.ts";
export { type ParseResult, parse } from "./parser/parse.ts";
export { type Scenario, ScenarioError, type ScenarioMember, validateScenario } from "./simulate/scenario.ts";
export { type SimulationErrors, type SimulationOutput, type SimulationResult, simulate } from "./simulate/simulate.ts";
export {
  addDays,
  addDuration,
  ageOn,
  clockFor,
  type Instant,
  isIsoDate,
  isValidTimezone,
  LocalClock,
  localDate,
  localDaysSpan,
  localHour,
  startOfLocalDay,
  weekStart,
} from "./time.ts";
