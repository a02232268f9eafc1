// Syntax highlighting for the rule editor: a small scanner that splits source into classed
// segments (keywords, strings, money, ...) and marks the characters diagnostics point at.
// It never fails: anything it does not recognise is plain text, the checker reports errors.
// Event names come from the rules package's catalog, the one list of event types.

import { isEventType } from "@tally/rules";

export type TokenKind = "keyword" | "event" | "field" | "string" | "money" | "number" | "date" | "comment" | "operator" | "punct" | "text";

export interface Token {
  kind: TokenKind;
  text: string;
}

const keywords = new Set(
  (
    "earn reward instant milestone on when manual rate point points per mode per_transaction total_spend minimum items eligible all " +
    "award to member referrer accumulate yes no better_choice limit once week month year prompt confirmation during window unlock " +
    "coupon for unlimited limited every perfect surveys phase after minute minutes hour hours day days and or not in has tag true false " +
    // SPEC 7: expiry, tiers, caps, availability, calendars.
    "expire earning without activity tiers tier by spend visits over from multiplier cap invoice available weeks months"
  ).split(" "),
);

const patterns: [TokenKind | "space" | "word", RegExp][] = [
  ["space", /[ \t\r\n]+/y],
  ["comment", /#[^\n\r]*/y],
  ["money", /\$\d+(?:,\d+)*(?:\.\d{1,2})?/y],
  ["date", /\d{4}-\d{2}-\d{2}/y],
  // `during every year 12-15 to 01-05`: a month and day.
  ["date", /\d{2}-\d{2}(?![\d-])/y],
  ["number", /\d+(?:\.\d+)?/y],
  ["string", /"(?:[^"\\\r\n]|\\.)*"?/y],
  ["word", /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y],
  ["operator", /!=|<=|>=|[=<>+\-*/]/y],
  ["punct", /[{}()[\],.]/y],
];

/** Splits source into tokens whose texts concatenate back to the source exactly. */
export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind === "text") last.text += text;
    else out.push({ kind, text });
  };
  outer: while (i < source.length) {
    for (const [kind, re] of patterns) {
      re.lastIndex = i;
      const m = re.exec(source);
      if (!m || m[0].length === 0) continue;
      const text = m[0];
      i += text.length;
      if (kind === "space") push("text", text);
      else if (kind === "word")
        push(isEventType(text) ? "event" : keywords.has(text) ? "keyword" : text.includes(".") ? "field" : "text", text);
      else push(kind, text);
      continue outer;
    }
    push("text", source[i] as string);
    i += 1;
  }
  return out;
}

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: "error" | "warning";
}

/** Offset of a 1-based line and column in source (clamped to the source). */
export function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = source.indexOf("\n", offset);
    if (next === -1) return source.length;
    offset = next + 1;
  }
  const lineEnd = source.indexOf("\n", offset);
  const max = lineEnd === -1 ? source.length : lineEnd;
  return Math.min(offset + Math.max(0, column - 1), max);
}

/** 1-based line and column of an offset. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * HTML for the overlay behind the textarea: one span per token, and diagnostic ranges wrapped in
 * <mark> (error or warning). A range always covers at least one character, so a missing token at
 * the end of a line still gets a visible squiggle.
 */
export function highlightHtml(source: string, diagnostics: readonly Range[] = []): string {
  // Per-character mark: 0 none, 1 warning, 2 error.
  const marks = new Uint8Array(source.length + 1);
  for (const d of diagnostics) {
    const start = offsetOf(source, d.line, d.column);
    let end = offsetOf(source, d.endLine, d.endColumn) + 1;
    if (end <= start) end = start + 1;
    const level = d.severity === "error" ? 2 : 1;
    for (let i = start; i < Math.min(end, source.length + 1); i++) if ((marks[i] ?? 0) < level) marks[i] = level;
  }
  let html = "";
  let offset = 0;
  for (const token of tokenize(source)) {
    let piece = "";
    let current = -1;
    const flush = (text: string, level: number) => {
      if (!text) return;
      const inner = escapeHtml(text);
      piece += level === 0 ? inner : `<mark class="diag ${level === 2 ? "error" : "warning"}">${inner}</mark>`;
    };
    let run = "";
    for (let k = 0; k < token.text.length; k++) {
      const level = marks[offset + k] ?? 0;
      if (level !== current && run) {
        flush(run, current);
        run = "";
      }
      current = level;
      run += token.text[k];
    }
    flush(run, current);
    offset += token.text.length;
    html += token.kind === "text" ? piece : `<span class="tok-${token.kind}">${piece}</span>`;
  }
  // A diagnostic at the very end (e.g. a missing "}") marks an extra space so it shows.
  if ((marks[source.length] ?? 0) > 0) html += `<mark class="diag ${marks[source.length] === 2 ? "error" : "warning"}"> </mark>`;
  // A trailing newline needs a character after it, or the overlay is one line short of the textarea.
  return `${html}\n`;
}
