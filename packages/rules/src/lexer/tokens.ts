// Every token of the rules language, in one place. Keywords point at Identifier with
// `longer_alt`, so `pointsy` or `award_x` lex as identifiers, not as a keyword plus rest.
import { createToken, Lexer, type TokenType } from "chevrotain";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

/** Any word: a keyword or an identifier. Field names after a dot may be keywords (survey.perfect). */
export const Word = createToken({ name: "Word", pattern: Lexer.NA });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Word] });

const keywordTokens: TokenType[] = [];
function keyword(name: string, pattern: RegExp | string = name.toLowerCase(), label?: string): TokenType {
  const t = createToken({
    name,
    pattern: typeof pattern === "string" ? new RegExp(pattern) : pattern,
    longer_alt: Identifier,
    categories: [Word],
    label: label ?? `"${typeof pattern === "string" ? pattern : name.toLowerCase()}"`,
  });
  keywordTokens.push(t);
  return t;
}

// Rule heads
export const Earn = keyword("Earn");
export const Reward = keyword("Reward");
export const Instant = keyword("Instant");
export const Milestone = keyword("Milestone");
export const On = keyword("On");
export const When = keyword("When");
export const Manual = keyword("Manual");
// Clauses
export const Rate = keyword("Rate");
export const Point = keyword("Point", /points?/, '"point"');
export const Per = keyword("Per");
export const Mode = keyword("Mode");
export const PerTransaction = keyword("PerTransaction", "per_transaction");
export const TotalSpend = keyword("TotalSpend", "total_spend");
export const Minimum = keyword("Minimum");
export const Items = keyword("Items");
export const Eligible = keyword("Eligible");
export const All = keyword("All");
export const Award = keyword("Award");
export const To = keyword("To");
export const Member = keyword("Member");
export const Referrer = keyword("Referrer");
export const Accumulate = keyword("Accumulate");
export const Yes = keyword("Yes");
export const No = keyword("No");
export const BetterChoice = keyword("BetterChoice", "better_choice");
export const Limit = keyword("Limit");
export const Once = keyword("Once");
export const Week = keyword("Week", /weeks?/, '"week"');
export const Month = keyword("Month", /months?/, '"month"');
export const Year = keyword("Year");
export const Prompt = keyword("Prompt");
export const Confirmation = keyword("Confirmation");
export const During = keyword("During");
export const Window = keyword("Window");
export const Unlock = keyword("Unlock");
export const Coupon = keyword("Coupon");
export const For = keyword("For");
export const Unlimited = keyword("Unlimited");
export const Limited = keyword("Limited");
export const Every = keyword("Every");
export const Perfect = keyword("Perfect");
export const Surveys = keyword("Surveys");
export const Phase = keyword("Phase");
export const After = keyword("After");
// Rules language v2 (SPEC 7): expiry, tiers, caps, points available later. `invoice` (a cap
// period) and `activity` (in `without activity`) stay identifiers: they also start field paths.
export const Expire = keyword("Expire");
export const Earning = keyword("Earning");
export const Without = keyword("Without");
export const Tiers = keyword("Tiers");
export const Tier = keyword("Tier");
export const By = keyword("By");
export const Spend = keyword("Spend");
export const Visits = keyword("Visits");
export const Over = keyword("Over");
export const From = keyword("From");
export const Multiplier = keyword("Multiplier");
export const Cap = keyword("Cap");
export const Available = keyword("Available");
// Durations (`day` doubles as the `per day` period)
export const Minute = keyword("Minute", /minutes?/, '"minutes"');
export const Hour = keyword("Hour", /hours?/, '"hours"');
export const Day = keyword("Day", /days?/, '"day"');
// Expressions
export const And = keyword("And");
export const Or = keyword("Or");
export const Not = keyword("Not");
export const In = keyword("In");
export const Has = keyword("Has");
export const Tag = keyword("Tag");
export const True = keyword("True");
export const False = keyword("False");

// Literals. Money and dates come before numbers, which they start like.
export const Money = createToken({ name: "Money", pattern: /\$\d+(?:,\d+)*(?:\.\d{1,2})?/, label: "an amount like $20" });
export const DateLit = createToken({ name: "DateLit", pattern: /\d{4}-\d{2}-\d{2}/, label: "a date like 2026-12-31" });
export const NumberLit = createToken({ name: "NumberLit", pattern: /\d+(?:\.\d+)?/, label: "a number" });
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: "a quoted text" });
/** A string that reaches the end of the line: lexed on purpose, reported with a clear message. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\.)*/,
  label: "a quoted text",
  categories: [StringLit],
});

// Punctuation
export const LBrace = createToken({ name: "LBrace", pattern: "{", label: '"{"' });
export const RBrace = createToken({ name: "RBrace", pattern: "}", label: '"}"' });
export const LParen = createToken({ name: "LParen", pattern: "(", label: '"("' });
export const RParen = createToken({ name: "RParen", pattern: ")", label: '")"' });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: '"["' });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: '"]"' });
export const Comma = createToken({ name: "Comma", pattern: ",", label: '","' });
export const Dot = createToken({ name: "Dot", pattern: ".", label: '"."' });
// Operator categories keep the parser and the CST small: one token type per precedence level.
export const CompareOp = createToken({ name: "CompareOp", pattern: Lexer.NA, label: "a comparison (=, !=, <, <=, >, >=)" });
export const AddOp = createToken({ name: "AddOp", pattern: Lexer.NA, label: '"+" or "-"' });
export const MulOp = createToken({ name: "MulOp", pattern: Lexer.NA, label: '"*" or "/"' });
export const NotEq = createToken({ name: "NotEq", pattern: "!=", label: '"!="', categories: [CompareOp] });
export const LessEq = createToken({ name: "LessEq", pattern: "<=", label: '"<="', categories: [CompareOp] });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: ">=", label: '">="', categories: [CompareOp] });
export const Less = createToken({ name: "Less", pattern: "<", label: '"<"', categories: [CompareOp] });
export const Greater = createToken({ name: "Greater", pattern: ">", label: '">"', categories: [CompareOp] });
export const Equals = createToken({ name: "Equals", pattern: "=", label: '"="', categories: [CompareOp] });
export const Plus = createToken({ name: "Plus", pattern: "+", label: '"+"', categories: [AddOp] });
export const Minus = createToken({ name: "Minus", pattern: "-", label: '"-"', categories: [AddOp] });
export const Star = createToken({ name: "Star", pattern: "*", label: '"*"', categories: [MulOp] });
export const Slash = createToken({ name: "Slash", pattern: "/", label: '"/"', categories: [MulOp] });

export const keywords: readonly TokenType[] = keywordTokens;

// Longer keywords first: `once` must be tried before `on`, `limited` before `limit`.
const keywordOrder = [...keywordTokens].sort(
  (a, b) => String((b.PATTERN as RegExp).source).length - String((a.PATTERN as RegExp).source).length,
);

/** Lexer order matters: first match wins, keywords before Identifier, longer operators first. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Money,
  DateLit,
  NumberLit,
  StringLit,
  UnterminatedString,
  ...keywordOrder,
  Identifier,
  Word,
  CompareOp,
  AddOp,
  MulOp,
  LBrace,
  RBrace,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];
