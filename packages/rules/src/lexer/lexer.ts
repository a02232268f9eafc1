// Turns source text into tokens; lexing problems become diagnostics, never exceptions.
import { type IToken, Lexer } from "chevrotain";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.ts";
import { allTokens, UnterminatedString } from "./tokens.ts";

const lexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

export function tokenize(source: string): LexResult {
  const result = lexer.tokenize(source);
  const diagnostics: Diagnostic[] = [];
  for (const e of result.errors) {
    const line = e.line ?? 1;
    const column = e.column ?? 1;
    const ch = source.slice(e.offset, e.offset + e.length);
    const shown = ch.length > 20 ? `${ch.slice(0, 20)}...` : ch;
    diagnostics.push(
      diagnostic(
        "LEX_UNEXPECTED_CHARACTER",
        { line, column, endLine: line, endColumn: column + Math.max(0, e.length - 1) },
        `unexpected character${e.length > 1 ? "s" : ""} ${JSON.stringify(shown)}`,
        shown.startsWith("'") ? 'texts use double quotes: "like this"' : undefined,
      ),
    );
  }
  // An unterminated string is reported here and then treated as a complete one, so the parser
  // can keep going and report what follows.
  const tokens: IToken[] = [];
  for (const t of result.tokens) {
    if (t.tokenType === UnterminatedString) {
      diagnostics.push(
        diagnostic("LEX_UNTERMINATED_STRING", tokenSpan(t), "this text has no closing quote", 'close it with " on the same line'),
      );
    }
    tokens.push(t);
  }
  return { tokens, diagnostics };
}

export function tokenSpan(t: IToken): { line: number; column: number; endLine: number; endColumn: number } {
  const line = t.startLine ?? 1;
  const column = t.startColumn ?? 1;
  return { line, column, endLine: t.endLine ?? line, endColumn: t.endColumn ?? column };
}
