// Diagnostics are plain values so the editor, the CLI and the API can all show them.

export type Severity = "error" | "warning";

/** Stable codes: tools and tests match on these, never on message text. */
export type DiagnosticCode =
  | "LEX_UNEXPECTED_CHARACTER"
  | "LEX_UNTERMINATED_STRING"
  | "PARSE_UNEXPECTED_TOKEN"
  | "PARSE_MISSING_TOKEN"
  | "PARSE_EXTRA_INPUT"
  | "INVALID_NUMBER"
  | "INVALID_DATE"
  | "INVALID_ESCAPE"
  | "UNKNOWN_EVENT"
  | "EVENT_NOT_ALLOWED"
  | "UNKNOWN_FIELD"
  | "FIELD_NOT_ON_EVENT"
  | "INSTANT_ONLY_FIELD"
  | "MONEY_NUMBER_MIX"
  | "TYPE_MISMATCH"
  | "CONDITION_NOT_BOOLEAN"
  | "MISSING_CLAUSE"
  | "DUPLICATE_CLAUSE"
  | "CLAUSE_NOT_ALLOWED"
  | "MINIMUM_WITH_TOTAL_SPEND"
  | "REFERRER_OUTSIDE_REFERRAL"
  | "DUPLICATE_RULE_NAME"
  | "UNKNOWN_COUPON"
  | "INVALID_LIMIT"
  | "INVALID_COUNT"
  | "INVALID_RATE"
  | "DURING_REVERSED"
  | "EMPTY_NAME"
  | "TOO_COMPLEX"
  | "NO_EFFECT"
  | "OUT_OF_RANGE"
  | "DUPLICATE_DECLARATION"
  | "INVALID_TIERS"
  | "EMPTY_RULE_SET";

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Diagnostic extends Span {
  code: DiagnosticCode;
  message: string;
  hint?: string;
  severity: Severity;
}

export function diagnostic(code: DiagnosticCode, span: Span, message: string, hint?: string, severity: Severity = "error"): Diagnostic {
  const d: Diagnostic = {
    code,
    message,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    severity,
  };
  if (hint !== undefined) d.hint = hint;
  return d;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);
}

/**
 * Prints a diagnostic the way compilers do: location, message, the source line and a caret
 * (or a run of carets under the whole span when it stays on one line).
 */
export function formatDiagnostic(source: string, d: Diagnostic, file = "rules"): string {
  const lines = source.split(/\r?\n/);
  const text = lines[d.line - 1] ?? "";
  const gutter = String(d.line).length;
  const pad = " ".repeat(gutter);
  const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column + 1) : Math.max(1, text.length - d.column + 1);
  // Tabs keep their width under the caret so it lines up in a terminal.
  const lead = text.slice(0, Math.max(0, d.column - 1)).replace(/[^\t]/g, " ");
  const out = [
    `${d.severity}[${d.code}]: ${d.message}`,
    `${pad}--> ${file}:${d.line}:${d.column}`,
    `${pad} |`,
    `${d.line} | ${text}`,
    `${pad} | ${lead}${"^".repeat(width)}`,
  ];
  if (d.hint) out.push(`${pad} = hint: ${d.hint}`);
  return out.join("\n");
}
