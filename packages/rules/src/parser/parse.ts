// Source text -> typed AST plus syntax diagnostics. The token stream is cut at each rule
// keyword and every piece is parsed on its own, so one broken rule never hides the errors of
// the next; inside a rule chevrotain's recovery keeps going after an error.
import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import type {
  BinaryOp,
  CapPeriod,
  Clause,
  CouponRef,
  Declaration,
  Duration,
  DurationUnit,
  EventRef,
  Expr,
  LimitPeriod,
  Prize,
  Rule,
  RuleSet,
  Span,
  TierDef,
} from "../ast/ast.ts";
import { closest } from "../check/catalog.ts";
import { byPosition, type Diagnostic, type DiagnosticCode, diagnostic } from "../diagnostics/diagnostic.ts";
import { tokenize, tokenSpan } from "../lexer/lexer.ts";
import * as T from "../lexer/tokens.ts";
import { describe, didYouMean, parser, ruleStartTokens } from "./parser.ts";

export interface ParseResult {
  ast: RuleSet;
  diagnostics: Diagnostic[];
}

const ruleStarts = new Set(ruleStartTokens);

const hints: Record<string, string> = {
  rule: "a rule starts with earn, reward, instant or milestone (or a program line: expire, tiers)",
  clause:
    "inside { } each clause starts with rate, mode, minimum, items, cap, available, award, accumulate, limit, prompt, confirmation, during, window, when, unlock, every or phase",
  expireDecl: "write it like: expire points 12 months after earning, or expire points after 18 months without activity",
  tiersDecl: 'write it like: tiers by spend over 12 months { tier "Member" from $0  tier "Gold" from $1,000 multiplier 1.25 }',
  tierLine: 'write it like: tier "Gold" from $1,000 multiplier 1.25',
  capClause: "write it like: cap 500 points per day (per invoice, day, week, month or year)",
  availableClause: "write it like: available after 14 days",
  prizeCoupon: 'write it like: coupon "birthday-treat", or coupon "birthday-treat" for 30 days',
  body: "a rule's clauses go between { and }",
  rateClause: "write it like: rate 1 point per $10",
  modeClause: "mode is per_transaction or total_spend",
  minimumClause: "write it like: minimum $20",
  itemsClause: 'items is eligible, all, or a list of billing codes like ["XRAY", "CLEAN"]',
  codeList: 'billing codes are quoted texts: ["XRAY", "CLEAN"]',
  duringClause: "write it like: during 2026-12-01 to 2026-12-31, or during every year 12-15 to 01-05",
  awardClause: 'write it like: award 50 points, or award coupon "free-whitening"',
  prize: 'write it like: 50 points, or coupon "free-whitening", or 50 points and coupon "movie-ticket"',
  accumulateClause: "accumulate is yes, no or better_choice",
  limitClause: "write it like: limit once per member, or limit 2 per month",
  promptClause: 'write it like: prompt "Tell us your handle"',
  confirmationClause: 'write it like: confirmation "Thanks!"',
  windowClause: "write it like: window 4 hours",
  unlockClause: 'write it like: unlock coupon "ten-off" for 48 hours',
  everyClause: "write it like: every 5 perfect surveys award 200 points",
  phaseClause: 'write it like: phase "Bracket Buddy" after 5 perfect surveys award 200 points',
  duration: "a duration is a whole number and minutes, hours, days, weeks or months",
  coupon: 'write it like: coupon "free-whitening"',
  eventName: "an event is written like invoice.paid",
  atom: 'a value is a number, an amount like $20, a "text", true, false, a field like invoice.total, ( ... ) or [ ... ]',
  path: "a field is written like invoice.total or member.points",
  list: 'a list is written like [1, 2] or ["A", "B"]',
};

export function parse(source: string): ParseResult {
  const lexed = tokenize(source);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  const tokens = lexed.tokens;

  const starts: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (ruleStarts.has(t.tokenType) && (i === 0 || tokens[i - 1]!.tokenType !== T.Dot)) starts.push(i);
  }
  const firstStart = starts[0] ?? tokens.length;
  if (firstStart > 0) {
    const first = tokens[0]!;
    const last = tokens[firstStart - 1]!;
    const a = tokenSpan(first);
    const b = tokenSpan(last);
    diagnostics.push(
      diagnostic(
        "PARSE_UNEXPECTED_TOKEN",
        { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn },
        `expected a rule but found ${describe(first)}${didYouMean(first, ruleStartTokens)}`,
        hints.rule,
      ),
    );
  }

  const rules: Rule[] = [];
  const declarations: Declaration[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = starts[k + 1] ?? tokens.length;
    const chunk = tokens.slice(from, to);
    const tooComplex = complexity(chunk);
    if (tooComplex) {
      diagnostics.push(tooComplex);
      continue;
    }
    const isLast = k === starts.length - 1;
    try {
      parser.input = chunk;
      const cst = parser.rule();
      const errors = parser.errors;
      for (const e of errors) diagnostics.push(parseError(e, chunk, isLast));
      const b = new AstBuilder(diagnostics);
      const decl = b.declaration(cst);
      if (decl) declarations.push(decl);
      const rule = decl ? null : b.rule(cst);
      if (rule) {
        if (errors.length > 0 || b.incomplete) rule.recovered = true;
        rules.push(rule);
      }
    } catch (err) {
      // Only a stack overflow can escape (the limits above should prevent it): a diagnostic, never a crash.
      if (!(err instanceof RangeError)) throw err;
      diagnostics.push(diagnostic("TOO_COMPLEX", tokenSpan(chunk[0]!), "this rule is too complex to read", "split it into simpler rules"));
    }
  }
  diagnostics.sort(byPosition);
  return { ast: declarations.length > 0 ? { rules, declarations } : { rules }, diagnostics };
}

/** Limits that keep every later pass (parser, checker, formatter, closures) far from the stack limit. */
export const MAX_RULE_TOKENS = 2000;
export const MAX_NESTING = 32;

function complexity(chunk: IToken[]): Diagnostic | null {
  if (chunk.length > MAX_RULE_TOKENS) {
    return diagnostic(
      "TOO_COMPLEX",
      tokenSpan(chunk[0]!),
      `this rule is longer than ${MAX_RULE_TOKENS} words and symbols`,
      "split it into simpler rules",
    );
  }
  let depth = 0;
  let nots = 0;
  for (const t of chunk) {
    if (t.tokenType === T.LParen || t.tokenType === T.LBracket) depth++;
    else if ((t.tokenType === T.RParen || t.tokenType === T.RBracket) && depth > 0) depth--;
    nots = t.tokenType === T.Not ? nots + 1 : 0;
    if (depth + nots > MAX_NESTING) {
      return diagnostic(
        "TOO_COMPLEX",
        tokenSpan(t),
        `this condition nests more than ${MAX_NESTING} levels deep`,
        "remove extra parentheses, or split the rule",
      );
    }
  }
  return null;
}

function parseError(e: IRecognitionException, chunk: IToken[], isLast: boolean): Diagnostic {
  const atEnd = e.token.tokenType.name === "EOF" || Number.isNaN(e.token.startOffset);
  let message = e.message;
  let span: Span;
  if (atEnd) {
    const last = chunk[chunk.length - 1]!;
    const s = tokenSpan(last);
    span = { line: s.endLine, column: s.endColumn + 1, endLine: s.endLine, endColumn: s.endColumn + 1 };
    if (!isLast) message = message.replace("the end of the text", "the start of the next rule");
  } else {
    span = tokenSpan(e.token);
  }
  const code: DiagnosticCode =
    e.name === "NotAllInputParsedException"
      ? "PARSE_EXTRA_INPUT"
      : atEnd || e.name === "MismatchedTokenException"
        ? "PARSE_MISSING_TOKEN"
        : "PARSE_UNEXPECTED_TOKEN";
  const stack = e.context?.ruleStack ?? [];
  const ruleName = stack[stack.length - 1] ?? "rule";
  return diagnostic(code, span, message, hints[ruleName]);
}

// ---------------------------------------------------------------------------------------------
// CST -> AST

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function spanOf(a: Span, b: Span): Span {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

function ok(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && t.image !== "" && !Number.isNaN(t.startOffset);
}

export function unescapeString(image: string): { value: string; bad: string | null } {
  // The lexer guarantees the shape: an opening quote, then characters or escapes, then a
  // closing quote unless the text was unterminated (then it runs to the end of the line).
  let out = "";
  let bad: string | null = null;
  for (let i = 1; i < image.length; i++) {
    const c = image[i]!;
    if (c === '"') break;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = image[++i];
    if (n === "n") out += "\n";
    else if (n === "t") out += "\t";
    else if (n === "r") out += "\r";
    else if (n === '"' || n === "\\") out += n;
    else if (n === "u" && /^[0-9a-fA-F]{4}$/.test(image.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(image.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      bad ??= `\\${n ?? ""}`;
      out += n ?? "";
    }
  }
  return { value: out, bad };
}

export function moneyToCents(image: string): number {
  const [whole = "0", frac = ""] = image.replace("$", "").replace(/,/g, "").split(".");
  return Number(whole) * 100 + Number(`${frac}00`.slice(0, 2));
}

export function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= days;
}

class AstBuilder {
  incomplete = false;
  private diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    this.diagnostics = diagnostics;
  }

  private error(code: DiagnosticCode, span: Span, message: string, hint?: string): void {
    this.diagnostics.push(diagnostic(code, span, message, hint));
  }

  private tok(node: CstNode | undefined, name: string, i = 0): IToken | undefined {
    const t = (node?.children as Children | undefined)?.[name]?.[i] as IToken | undefined;
    if (t && !ok(t)) {
      this.incomplete = true;
      return undefined;
    }
    return t;
  }
  private toks(node: CstNode, name: string): IToken[] {
    return ((node.children as Children)[name] ?? []) as IToken[];
  }
  private sub(node: CstNode | undefined, name: string, i = 0): CstNode | undefined {
    return (node?.children as Children | undefined)?.[name]?.[i] as CstNode | undefined;
  }
  private subs(node: CstNode, name: string): CstNode[] {
    return ((node.children as Children)[name] ?? []) as CstNode[];
  }
  /** The first present token among several alternatives. */
  private anyTok(node: CstNode | undefined, names: string[]): IToken | undefined {
    for (const n of names) {
      const t = this.tok(node, n);
      if (t) return t;
    }
    return undefined;
  }

  private string(t: IToken): string {
    const { value, bad } = unescapeString(t.image);
    if (bad)
      this.error(
        "INVALID_ESCAPE",
        tokenSpan(t),
        `unknown escape ${bad} in a text`,
        'use \\" for a quote, \\\\ for a backslash, \\n for a new line',
      );
    return value;
  }

  private wholeNumber(t: IToken, what: string): number | null {
    const v = Number(t.image);
    if (!Number.isInteger(v) || !Number.isSafeInteger(v)) {
      this.error("INVALID_NUMBER", tokenSpan(t), `${what} must be a whole number, not ${t.image}`);
      return null;
    }
    return v;
  }

  private money(t: IToken): number | null {
    const cents = moneyToCents(t.image);
    if (!Number.isSafeInteger(cents)) {
      this.error("INVALID_NUMBER", tokenSpan(t), `${t.image} is too large`);
      return null;
    }
    return cents;
  }

  /** MM-DD of `during every year`: two digits each, a real month-day (02-29 included). */
  private monthDay(m: IToken, d: IToken): string | null {
    const text = `${m.image}-${d.image}`;
    const mo = Number(m.image);
    const day = Number(d.image);
    const days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
    if (!/^\d\d$/.test(m.image) || !/^\d\d$/.test(d.image) || days === undefined || day < 1 || day > days) {
      this.error(
        "INVALID_DATE",
        spanOf(tokenSpan(m), tokenSpan(d)),
        `${text} is not a month and day`,
        "write month-days as MM-DD, like 12-15",
      );
      return null;
    }
    return text;
  }

  private date(t: IToken): string | null {
    if (!isValidDate(t.image)) {
      this.error("INVALID_DATE", tokenSpan(t), `${t.image} is not a date`, "dates are written YYYY-MM-DD, like 2026-12-31");
      return null;
    }
    return t.image;
  }

  private lastSpan(node: CstNode, first: Span): Span {
    let last = first;
    const visit = (n: CstNode | IToken) => {
      if ("children" in n) {
        for (const list of Object.values(n.children)) for (const c of list ?? []) visit(c);
      } else if (ok(n)) {
        const s = tokenSpan(n);
        if (s.endLine > last.endLine || (s.endLine === last.endLine && s.endColumn > last.endColumn)) last = s;
      }
    };
    visit(node);
    return spanOf(first, last);
  }

  /** `expire ...` or `tiers ...`; null for a rule (or a declaration too broken to read). */
  declaration(cst: CstNode): Declaration | null {
    const expire = this.sub(cst, "expireDecl");
    if (expire) {
      const head = this.tok(expire, "Expire");
      if (!head) return null;
      const span = this.lastSpan(expire, tokenSpan(head));
      const after = this.tok(expire, "Earning") !== undefined;
      const n = this.tok(expire, "NumberLit") ?? this.tok(expire, "NumberLit", 0);
      if (!n || !this.tok(expire, "Month")) return null;
      if (!after) {
        const act = this.tok(expire, "activity");
        if (!act || !this.tok(expire, "Without")) return null;
        if (act.image !== "activity") {
          this.error(
            "PARSE_UNEXPECTED_TOKEN",
            tokenSpan(act),
            `expected "activity" but found "${act.image}"${closest(act.image, ["activity"]) ? "; did you mean activity?" : ""}`,
            "write it like: expire points after 18 months without activity",
          );
          return null;
        }
      }
      const months = this.wholeNumber(n, "a number of months");
      if (months === null) return null;
      return { kind: "expire", mode: after ? "after_earning" : "inactivity", months, span };
    }
    const tiers = this.sub(cst, "tiersDecl");
    if (!tiers) return null;
    const head = this.tok(tiers, "Tiers");
    const n = this.tok(tiers, "NumberLit");
    const by = this.anyTok(tiers, ["Spend", "Point", "Visits"]);
    if (!head || !n || !by || !this.tok(tiers, "Month") || !this.tok(tiers, "RBrace")) return null;
    const months = this.wholeNumber(n, "a number of months");
    if (months === null) return null;
    const list: TierDef[] = [];
    for (const line of this.subs(tiers, "tierLine")) {
      const kw = this.tok(line, "Tier");
      const name = this.tok(line, "StringLit");
      const from = this.anyTok(line, ["Money", "NumberLit"]);
      if (!kw || !name || !from || !this.tok(line, "From")) return null;
      const money = from.tokenType === T.Money;
      const value = money ? this.money(from) : this.wholeNumber(from, "a tier threshold");
      if (value === null) return null;
      let multiplier: string | null = null;
      if ((line.children as Children).Multiplier) {
        const m = this.tok(line, "multiplier");
        if (!m) return null;
        multiplier = m.image;
      }
      list.push({ name: this.string(name), from: value, money, multiplier, span: this.lastSpan(line, tokenSpan(kw)) });
    }
    const byWord = by.tokenType === T.Spend ? "spend" : by.tokenType === T.Visits ? "visits" : "points";
    return { kind: "tiers", by: byWord, months, tiers: list, span: this.lastSpan(tiers, tokenSpan(head)) };
  }

  rule(cst: CstNode): Rule | null {
    const inner =
      this.sub(cst, "earnRule") ?? this.sub(cst, "rewardRule") ?? this.sub(cst, "instantRule") ?? this.sub(cst, "milestoneRule");
    if (!inner) return null;
    const head = this.anyTok(inner, ["Earn", "Reward", "Instant", "Milestone"]);
    const nameTok = this.tok(inner, "name");
    if (!head || !nameTok) {
      this.incomplete = true;
      return null;
    }
    const name = this.string(nameTok);
    const nameSpan = tokenSpan(nameTok);
    const span = this.lastSpan(inner, tokenSpan(head));
    const body = this.sub(inner, "body");
    if (!body) this.incomplete = true;
    const clauses = body
      ? this.subs(body, "clause")
          .map((c) => this.clause(c))
          .filter((c): c is Clause => c !== null)
      : [];
    if (body && !this.tok(body, "RBrace")) this.incomplete = true;
    const base = { name, nameSpan, span, clauses };
    switch (inner.name) {
      case "earnRule": {
        const event = this.eventRef(this.sub(inner, "eventName"));
        if (!event) return null;
        return { kind: "earn", ...base, event, when: this.optionalWhen(inner) };
      }
      case "rewardRule": {
        if (this.tok(inner, "Manual")) return { kind: "reward", ...base, event: null, when: null };
        const event = this.eventRef(this.sub(inner, "eventName"));
        if (!event) return null;
        return { kind: "reward", ...base, event, when: this.optionalWhen(inner) };
      }
      case "instantRule":
        return { kind: "instant", ...base };
      default: {
        const program = this.tok(inner, "Unlimited") ? "unlimited" : this.tok(inner, "Limited") ? "limited" : null;
        if (!program) return null;
        const when = this.optionalWhen(inner);
        return when ? { kind: "milestone", ...base, program, when } : { kind: "milestone", ...base, program };
      }
    }
  }

  private optionalWhen(node: CstNode): Expr | null {
    if (!(node.children as Children).When) return null;
    const e = this.expression(this.sub(node, "expression"));
    if (!e) this.incomplete = true;
    return e;
  }

  private eventRef(node: CstNode | undefined): EventRef | null {
    if (!node) return null;
    const words = this.toks(node, "Word");
    if (words.length === 0 || !words.every(ok)) {
      this.incomplete = true;
      return null;
    }
    const first = tokenSpan(words[0]!);
    const last = tokenSpan(words[words.length - 1]!);
    return { name: words.map((w) => w.image).join("."), span: spanOf(first, last) };
  }

  private clause(node: CstNode): Clause | null {
    const c = Object.values(node.children)[0]?.[0] as CstNode | undefined;
    if (!c) {
      this.incomplete = true;
      return null;
    }
    const keyword = Object.values(c.children)
      .flat()
      .find((x) => !("children" in x)) as IToken | undefined;
    if (!keyword || !ok(keyword)) {
      this.incomplete = true;
      return null;
    }
    const span = this.lastSpan(c, tokenSpan(keyword));
    const result = this.clauseBody(c, span);
    if (!result) this.incomplete = true;
    return result;
  }

  private clauseBody(c: CstNode, span: Span): Clause | null {
    switch (c.name) {
      case "rateClause": {
        const n = this.tok(c, "NumberLit");
        const m = this.tok(c, "Money");
        if (!n || !m || !this.tok(c, "Point") || !this.tok(c, "Per")) return null;
        const points = this.wholeNumber(n, "the points of a rate");
        const perCents = this.money(m);
        if (points === null || perCents === null) return null;
        return { kind: "rate", points, perCents, span };
      }
      case "modeClause": {
        const t = this.anyTok(c, ["PerTransaction", "TotalSpend"]);
        if (!t) return null;
        return { kind: "mode", mode: t.image === "total_spend" ? "total_spend" : "per_transaction", span };
      }
      case "minimumClause": {
        const m = this.tok(c, "Money");
        const cents = m ? this.money(m) : null;
        return cents === null ? null : { kind: "minimum", cents, span };
      }
      case "itemsClause": {
        if (this.tok(c, "Eligible")) return { kind: "items", items: "eligible", span };
        if (this.tok(c, "All")) return { kind: "items", items: "all", span };
        const list = this.sub(c, "codeList");
        if (!list || !this.tok(list, "RBracket")) return null;
        const codes = this.toks(list, "StringLit");
        if (!codes.every(ok)) return null;
        return { kind: "items", items: codes.map((t) => this.string(t)), span };
      }
      case "duringClause": {
        if ((c.children as Children).Every) {
          const parts = ["fromMonth", "fromDay", "toMonth", "toDay"].map((n) => this.tok(c, n));
          if (parts.some((t) => t === undefined) || !this.tok(c, "Year") || !this.tok(c, "To")) return null;
          const [fm, fd, tm, td] = parts as IToken[];
          const from = this.monthDay(fm!, fd!);
          const to = this.monthDay(tm!, td!);
          if (!from || !to) return null;
          return { kind: "during", from, to, yearly: true, span };
        }
        const a = this.tok(c, "from");
        const b = this.tok(c, "to");
        if (!a || !b || !this.tok(c, "To")) return null;
        const from = this.date(a);
        const to = this.date(b);
        if (!from || !to) return null;
        return { kind: "during", from, to, span };
      }
      case "awardClause": {
        const prize = this.prize(this.sub(c, "prize"));
        if (!prize) return null;
        let to: "member" | "referrer" | null = null;
        if ((c.children as Children).To) {
          const r = this.anyTok(c, ["Member", "Referrer"]);
          if (!r) return null;
          to = r.image === "referrer" ? "referrer" : "member";
        }
        return { kind: "award", prize, to, span };
      }
      case "accumulateClause": {
        const t = this.anyTok(c, ["Yes", "No", "BetterChoice"]);
        if (!t) return null;
        return { kind: "accumulate", mode: t.image === "better_choice" ? "better_choice" : t.image === "no" ? "no" : "yes", span };
      }
      case "limitClause": {
        const countTok = this.anyTok(c, ["NumberLit", "Once"]);
        const perTok = this.anyTok(c, ["Member", "Day", "Week", "Month", "Year"]);
        if (!countTok || !perTok || !this.tok(c, "Per")) return null;
        const count = countTok.image === "once" ? 1 : this.wholeNumber(countTok, "a limit");
        if (count === null) return null;
        const per = perTok.image.replace(/s$/, "") as LimitPeriod;
        return { kind: "limit", count, per, span };
      }
      case "promptClause":
      case "confirmationClause": {
        const t = this.tok(c, "StringLit");
        if (!t) return null;
        const text = this.string(t);
        return c.name === "promptClause" ? { kind: "prompt", text, span } : { kind: "confirmation", text, span };
      }
      case "windowClause": {
        const d = this.duration(this.sub(c, "duration"));
        return d ? { kind: "window", duration: d, span } : null;
      }
      case "whenClause": {
        const e = this.expression(this.sub(c, "expression"));
        return e ? { kind: "when", expr: e, span } : null;
      }
      case "unlockClause": {
        const coupons: CouponRef[] = [];
        for (const n of this.subs(c, "coupon")) {
          const r = this.coupon(n);
          if (!r) return null;
          coupons.push(r);
        }
        let forDuration: Duration | null = null;
        if ((c.children as Children).For) {
          forDuration = this.duration(this.sub(c, "duration"));
          if (!forDuration) return null;
        }
        return { kind: "unlock", coupons, for: forDuration, span };
      }
      case "capClause": {
        const n = this.tok(c, "NumberLit");
        const perTok = this.anyTok(c, ["invoice", "Day", "Week", "Month", "Year"]);
        if (!n || !perTok || !this.tok(c, "Point") || !this.tok(c, "Per")) return null;
        if (perTok.tokenType === T.Identifier && perTok.image !== "invoice") {
          this.error(
            "PARSE_UNEXPECTED_TOKEN",
            tokenSpan(perTok),
            `expected invoice, day, week, month or year but found "${perTok.image}"${closest(perTok.image, ["invoice"]) ? "; did you mean invoice?" : ""}`,
            hints.capClause,
          );
          return null;
        }
        const points = this.wholeNumber(n, "a cap");
        if (points === null) return null;
        const per = perTok.image.replace(/s$/, "") as CapPeriod;
        return { kind: "cap", points, per, span };
      }
      case "availableClause": {
        const d = this.duration(this.sub(c, "duration"));
        if (!d || !this.tok(c, "After")) return null;
        return { kind: "available", after: d, span };
      }
      case "everyClause":
      case "phaseClause": {
        const n = this.tok(c, "NumberLit");
        if (!n || !this.tok(c, "Perfect") || !this.tok(c, "Surveys") || !this.tok(c, "Award")) return null;
        const count = this.wholeNumber(n, "the number of surveys");
        const prize = this.prize(this.sub(c, "prize"));
        if (count === null || !prize) return null;
        if (c.name === "everyClause") return { kind: "every", count, prize, span };
        const nameTok = this.tok(c, "StringLit");
        if (!nameTok || !this.tok(c, "After")) return null;
        return { kind: "phase", name: this.string(nameTok), count, prize, span };
      }
      default:
        return null;
    }
  }

  private prize(node: CstNode | undefined): Prize | null {
    if (!node) return null;
    const coupons: CouponRef[] = [];
    for (const n of this.subs(node, "prizeCoupon")) {
      const r = this.coupon(n);
      if (!r) return null;
      if ((n.children as Children).For) {
        const d = this.duration(this.sub(n, "duration"));
        if (!d) return null;
        r.for = d;
        r.span = spanOf(r.span, d.span);
      }
      coupons.push(r);
    }
    let points: number | null = null;
    const n = this.tok(node, "NumberLit");
    if ((node.children as Children).NumberLit) {
      if (!n || !this.tok(node, "Point")) return null;
      points = this.wholeNumber(n, "points");
      if (points === null) return null;
    } else if (coupons.length === 0) return null;
    const first = n ? tokenSpan(n) : coupons[0]!.span;
    return { points, coupons, span: this.lastSpan(node, first) };
  }

  private coupon(node: CstNode | undefined): CouponRef | null {
    const kw = this.tok(node, "Coupon");
    const t = this.tok(node, "StringLit");
    if (!kw || !t) return null;
    return { name: this.string(t), span: spanOf(tokenSpan(kw), tokenSpan(t)) };
  }

  private duration(node: CstNode | undefined): Duration | null {
    const n = this.tok(node, "NumberLit");
    const u = this.anyTok(node, ["Minute", "Hour", "Day", "Week", "Month"]);
    if (!n || !u) return null;
    const amount = this.wholeNumber(n, "a duration");
    if (amount === null) return null;
    const unit = u.image.replace(/s$/, "") as DurationUnit;
    return { amount, unit, span: spanOf(tokenSpan(n), tokenSpan(u)) };
  }

  // Expressions: each level folds its operands left to right.
  private expression(node: CstNode | undefined): Expr | null {
    if (!node) return null;
    return this.fold(node, "andExpr", "Or", (n) => this.andExpr(n));
  }
  private andExpr(node: CstNode): Expr | null {
    return this.fold(node, "notExpr", "And", (n) => this.notExpr(n));
  }
  private fold(node: CstNode, operandName: string, opName: string, conv: (n: CstNode) => Expr | null): Expr | null {
    const operands = this.subs(node, operandName);
    const ops = this.toks(node, opName);
    if (operands.length === 0 || ops.length !== operands.length - 1) return null;
    let left = conv(operands[0]!);
    for (let i = 1; i < operands.length; i++) {
      const right = conv(operands[i]!);
      const op = ops[i - 1]!;
      if (!left || !right || !ok(op)) return null;
      left = { kind: "binary", op: op.image as BinaryOp, left, right, span: spanOf(left.span, right.span) };
    }
    return left;
  }
  private notExpr(node: CstNode): Expr | null {
    const not = this.tok(node, "Not");
    if (not) {
      const operand = this.notExpr(this.sub(node, "notExpr")!);
      return operand ? { kind: "not", operand, span: spanOf(tokenSpan(not), operand.span) } : null;
    }
    const cmp = this.sub(node, "cmpExpr");
    return cmp ? this.cmpExpr(cmp) : null;
  }
  private cmpExpr(node: CstNode): Expr | null {
    const sums = this.subs(node, "sumExpr");
    const left = sums[0] ? this.sumExpr(sums[0]) : null;
    if (!left) return null;
    const ch = node.children as Children;
    if (ch.Has) {
      const tag = this.tok(node, "StringLit");
      if (!tag || !this.tok(node, "Tag")) return null;
      return { kind: "hasTag", subject: left, tag: this.string(tag), span: spanOf(left.span, tokenSpan(tag)) };
    }
    const op = this.anyTok(node, ["CompareOp", "In"]);
    if (!ch.CompareOp && !ch.In) return left;
    const right = sums[1] ? this.sumExpr(sums[1]) : null;
    if (!op || !right) return null;
    return { kind: "binary", op: op.image as BinaryOp, left, right, span: spanOf(left.span, right.span) };
  }
  private sumExpr(node: CstNode): Expr | null {
    return this.fold(node, "termExpr", "AddOp", (n) => this.termExpr(n));
  }
  private termExpr(node: CstNode): Expr | null {
    return this.fold(node, "atom", "MulOp", (n) => this.atom(n));
  }
  private atom(node: CstNode): Expr | null {
    const ch = node.children as Children;
    if (ch.NumberLit) {
      const t = this.tok(node, "NumberLit");
      return t ? { kind: "number", value: Number(t.image), span: tokenSpan(t) } : null;
    }
    if (ch.Money) {
      const t = this.tok(node, "Money");
      const cents = t ? this.money(t) : null;
      return t && cents !== null ? { kind: "money", cents, span: tokenSpan(t) } : null;
    }
    if (ch.StringLit) {
      const t = this.tok(node, "StringLit");
      return t ? { kind: "string", value: this.string(t), span: tokenSpan(t) } : null;
    }
    if (ch.True || ch.False) {
      const t = this.anyTok(node, ["True", "False"]);
      return t ? { kind: "bool", value: t.image === "true", span: tokenSpan(t) } : null;
    }
    if (ch.path) {
      const p = this.sub(node, "path")!;
      const head = this.anyTok(p, ["Identifier", "Member"]);
      const rest = this.toks(p, "Word");
      if (!head || !rest.every(ok)) return null;
      const last = rest.length ? tokenSpan(rest[rest.length - 1]!) : tokenSpan(head);
      return { kind: "path", path: [head, ...rest].map((t) => t.image).join("."), span: spanOf(tokenSpan(head), last) };
    }
    if (ch.LParen) {
      if (!this.tok(node, "RParen")) return null;
      return this.expression(this.sub(node, "expression"));
    }
    const list = this.sub(node, "list");
    if (list) {
      const open = this.tok(list, "LBracket");
      const close = this.tok(list, "RBracket");
      if (!open || !close) return null;
      const items: Expr[] = [];
      for (const a of this.subs(list, "atom")) {
        const e = this.atom(a);
        if (!e) return null;
        items.push(e);
      }
      return { kind: "list", items, span: spanOf(tokenSpan(open), tokenSpan(close)) };
    }
    return null;
  }
}
