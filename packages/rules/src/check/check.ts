// The type checker: every semantic error of a rule set, all of them, each with a position,
// a stable code and, where it helps, a hint. Runs on whatever the parser could recover.
import type { Clause, ClauseKind, CouponRef, Declaration, Duration, Expr, Prize, Rule, RuleSet, Span, TiersDecl } from "../ast/ast.ts";
import { byPosition, type Diagnostic, type DiagnosticCode, diagnostic, type Severity } from "../diagnostics/diagnostic.ts";
import { parse } from "../parser/parse.ts";
import { allFieldNames, closest, eventsByName, fieldsFor, instantFields, writableEvents } from "./catalog.ts";

export interface CheckOptions {
  /** Coupon names of the practice; when given, a coupon not in it is an error. */
  catalog?: readonly string[];
}

export interface CheckResult {
  ast: RuleSet;
  diagnostics: Diagnostic[];
}

/** Parse and check a rule set: the AST (possibly partial) and every diagnostic, sorted by position. */
export function check(source: string, options: CheckOptions = {}): CheckResult {
  const parsed = parse(source);
  const diagnostics = [...parsed.diagnostics, ...checkAst(parsed.ast, options)];
  if (parsed.ast.rules.length === 0 && !parsed.ast.declarations?.length && !hasErrors(diagnostics))
    diagnostics.push(
      diagnostic(
        "EMPTY_RULE_SET",
        { line: 1, column: 1, endLine: 1, endColumn: 1 },
        "the rule set is empty: nothing earns or awards points",
        'add a rule, like: earn "Spend points" on invoice.paid { rate 1 point per $10 }',
        "warning",
      ),
    );
  diagnostics.sort(byPosition);
  return { ast: parsed.ast, diagnostics };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

type Ty =
  | "number"
  | "money"
  | "text"
  | "bool"
  | "list<text>"
  | "list<number>"
  | "list<money>"
  | "list<bool>"
  | "list<empty>"
  | "member"
  | "error";

const allowed: Record<string, ReadonlySet<ClauseKind>> = {
  earn: new Set(["rate", "mode", "minimum", "items", "during", "cap", "available"]),
  reward: new Set(["award", "accumulate", "limit", "prompt", "confirmation", "during"]),
  // `during` everywhere: "any rule can be limited to a date range" (SPEC section 3).
  instant: new Set(["window", "when", "unlock", "during"]),
  unlimited: new Set(["every", "during"]),
  limited: new Set(["phase", "during"]),
};

const clauseHome: Record<ClauseKind, string> = {
  rate: "earn rules",
  mode: "earn rules",
  minimum: "earn rules",
  items: "earn rules",
  during: "every kind of rule",
  award: "reward rules (milestones award inside every/phase)",
  accumulate: "reward rules",
  limit: "reward rules",
  prompt: "reward rules",
  confirmation: "reward rules",
  window: "instant rules",
  when: "instant rules (other rules put `when` after the event)",
  unlock: "instant rules",
  every: "unlimited milestones",
  phase: "limited milestones",
  cap: "earn rules",
  available: "earn rules",
};

// Bounds (SPEC 7): every amount the engine computes stays an exact integer.
export const BOUNDS = {
  award: 1_000_000,
  ratePoints: 10_000,
  cap: 10_000_000,
  /** Cents: $100,000,000. */
  money: 10_000_000_000,
  count: 1_000_000_000,
  months: 120,
} as const;

/** The longest duration of each unit within 10 years (365.25 days a year). */
const maxDuration: Record<Duration["unit"], number> = {
  minute: 5_259_600,
  hour: 87_660,
  day: 3_652,
  week: 521,
  month: 120,
};

const MULTIPLIER = /^\d+(\.\d{1,2})?$/;

const exampleOf: Partial<Record<ClauseKind, string>> = {
  rate: "rate 1 point per $10",
  award: "award 50 points",
  prompt: 'prompt "Tell us your handle"',
  window: "window 4 hours",
  when: "when visit.spend >= $300",
  unlock: 'unlock coupon "ten-off" for 48 hours',
  every: "every 5 perfect surveys award 200 points",
  phase: 'phase "Bracket Buddy" after 5 perfect surveys award 200 points',
};

function dollars(n: number): string {
  return Number.isInteger(n) ? `$${n}` : `$${n.toFixed(2)}`;
}

class Checker {
  readonly out: Diagnostic[] = [];
  private catalog: readonly string[] | undefined;
  private earnEvents = new Set<string>();
  /** Tier names when the rule set declares tiers, else null. */
  private tierNames: string[] | null = null;

  constructor(options: CheckOptions) {
    this.catalog = options.catalog;
  }

  private report(code: DiagnosticCode, span: Span, message: string, hint?: string, severity: Severity = "error"): void {
    this.out.push(diagnostic(code, span, message, hint, severity));
  }

  run(ast: RuleSet): void {
    const tiers = ast.declarations?.find((d): d is TiersDecl => d.kind === "tiers");
    this.tierNames = tiers ? tiers.tiers.map((t) => t.name) : null;
    this.declarations(ast.declarations ?? []);
    for (const r of ast.rules) if (r.kind === "earn") this.earnEvents.add(r.event.name);
    const seen = new Map<string, Rule>();
    for (const rule of ast.rules) {
      const first = seen.get(rule.name);
      if (first) {
        this.report(
          "DUPLICATE_RULE_NAME",
          rule.nameSpan,
          `there is already a rule named "${rule.name}"`,
          `rule names must be unique; the first "${rule.name}" is on line ${first.nameSpan.line}`,
        );
      } else seen.set(rule.name, rule);
      if (rule.name.trim() === "")
        this.report("EMPTY_NAME", rule.nameSpan, "a rule needs a name", 'write a name between the quotes, like "Spend points"');
      this.rule(rule);
    }
  }

  private declarations(list: Declaration[]): void {
    const first = new Map<string, Declaration>();
    for (const d of list) {
      const prev = first.get(d.kind);
      if (prev) {
        this.report(
          "DUPLICATE_DECLARATION",
          d.span,
          `a rule set has at most one ${d.kind} line`,
          `the first one is on line ${prev.span.line}; keep one`,
        );
        continue;
      }
      first.set(d.kind, d);
      if (d.months < 1 || d.months > BOUNDS.months)
        this.report(
          "OUT_OF_RANGE",
          d.span,
          `${d.months} months is out of range`,
          `write a number of months from 1 to ${BOUNDS.months} (10 years)`,
        );
      if (d.kind === "tiers") this.tiers(d);
    }
  }

  private tiers(d: TiersDecl): void {
    if (d.tiers.length === 0) {
      this.report("INVALID_TIERS", d.span, "tiers need at least one tier", 'add: tier "Member" from $0');
      return;
    }
    const names = new Set<string>();
    let last = -1;
    d.tiers.forEach((t, i) => {
      if (t.name.trim() === "") this.report("EMPTY_NAME", t.span, "a tier needs a name", 'write it like: tier "Gold" from $1,000');
      else if (names.has(t.name))
        this.report("INVALID_TIERS", t.span, `there is already a tier named "${t.name}"`, "tier names must be unique");
      names.add(t.name);
      if (d.by === "spend" && !t.money) this.report("MONEY_NUMBER_MIX", t.span, "tiers by spend start at an amount", `write $${t.from}`);
      else if (d.by !== "spend" && t.money)
        this.report("MONEY_NUMBER_MIX", t.span, `tiers by ${d.by} start at a count, not an amount`, `write ${Math.floor(t.from / 100)}`);
      else if (t.from > (t.money ? BOUNDS.money : BOUNDS.count))
        this.report(
          "OUT_OF_RANGE",
          t.span,
          "this threshold is too large",
          t.money ? "amounts go up to $100,000,000" : "counts go up to 1,000,000,000",
        );
      if (i === 0 && t.from !== 0)
        this.report(
          "INVALID_TIERS",
          t.span,
          "the first tier starts at 0",
          `write: tier ${JSON.stringify(t.name)} from ${t.money ? "$0" : "0"}`,
        );
      else if (i > 0 && t.from <= last)
        this.report("INVALID_TIERS", t.span, "each tier starts above the one before it", "list tiers from the lowest threshold up");
      last = t.from;
      if (t.multiplier !== null) {
        const v = Number(t.multiplier);
        if (!MULTIPLIER.test(t.multiplier) || v < 1 || v > 10)
          this.report(
            "OUT_OF_RANGE",
            t.span,
            `multiplier ${t.multiplier} is out of range`,
            "a multiplier is from 1 to 10 with at most two decimals, like 1.25",
          );
      }
    });
  }

  private duration(d: Duration, what: string): void {
    if (d.amount > maxDuration[d.unit])
      this.report(
        "OUT_OF_RANGE",
        d.span,
        `${what} is longer than 10 years`,
        `write at most ${maxDuration[d.unit].toLocaleString("en-US")} ${d.unit}s`,
      );
  }

  private money(cents: number, span: Span): void {
    if (cents > BOUNDS.money) this.report("OUT_OF_RANGE", span, "this amount is too large", "amounts go up to $100,000,000");
  }

  private rule(rule: Rule): void {
    let context: string | null = null; // the event whose fields `when` may read
    if (rule.kind === "milestone" && rule.when) this.condition(rule.when, "survey.submitted");
    if (rule.kind === "earn" || (rule.kind === "reward" && rule.event)) {
      const ev = rule.event!;
      const known = this.event(ev.name, ev.span, rule.kind);
      if (known) context = ev.name;
      if (rule.when) this.condition(rule.when, known ? ev.name : null);
    }
    const group = rule.kind === "milestone" ? rule.program : rule.kind;
    const ok = allowed[group]!;
    const firstOf = new Map<string, Clause>();
    for (const c of rule.clauses) {
      if (!ok.has(c.kind)) {
        const message =
          c.kind === "accumulate"
            ? "accumulate is only for reward rules"
            : c.kind === "when" && rule.kind !== "instant"
              ? "a condition goes after the event: on EVENT when CONDITION { ... }"
              : `${c.kind} does not belong in ${rule.kind === "milestone" ? `a ${rule.program} milestone` : `an ${rule.kind === "earn" ? "earn" : rule.kind} rule`}`;
        this.report("CLAUSE_NOT_ALLOWED", c.span, message, `${c.kind} is for ${clauseHome[c.kind]}`);
        continue;
      }
      // Awards may repeat for different recipients; phases are meant to repeat.
      const key = c.kind === "award" ? `award:${c.to ?? "member"}` : c.kind;
      if (c.kind !== "phase") {
        const prev = firstOf.get(key);
        if (prev) {
          this.report(
            "DUPLICATE_CLAUSE",
            c.span,
            c.kind === "award" ? `this rule already awards ${c.to ?? "the member"}` : `this rule already has a ${c.kind} clause`,
            `the first one is on line ${prev.span.line}; keep one`,
          );
          continue;
        }
        firstOf.set(key, c);
      }
      this.clause(rule, c, context);
    }
    if (!rule.recovered) this.required(rule, firstOf);
    if (rule.kind === "earn") {
      const mode = firstOf.get("mode");
      const minimum = firstOf.get("minimum");
      if (mode?.kind === "mode" && mode.mode === "total_spend" && minimum) {
        this.report(
          "MINIMUM_WITH_TOTAL_SPEND",
          minimum.span,
          "minimum only applies per transaction",
          "total_spend counts every dollar over time; remove minimum or use mode per_transaction",
        );
      }
    }
  }

  private required(rule: Rule, has: Map<string, Clause>): void {
    const need: ClauseKind[] = [];
    if (rule.kind === "earn") need.push("rate");
    if (rule.kind === "reward") {
      if (![...has.keys()].some((k) => k.startsWith("award:"))) need.push("award");
      if (!rule.event) need.push("prompt");
    }
    if (rule.kind === "instant") need.push("window", "when", "unlock");
    if (rule.kind === "milestone") need.push(rule.program === "unlimited" ? "every" : "phase");
    for (const k of need) {
      if (k === "award" || has.has(k) || rule.clauses.some((c) => c.kind === k)) continue;
      const what =
        rule.kind === "reward" && !rule.event
          ? "a manual reward"
          : rule.kind === "milestone"
            ? `a ${rule.program} milestone`
            : `an ${rule.kind} rule`.replace("an reward", "a reward");
      this.report("MISSING_CLAUSE", rule.nameSpan, `${what} needs ${/^[aeiou]/.test(k) ? "an" : "a"} ${k} clause`, `add: ${exampleOf[k]}`);
    }
    if (need.includes("award")) {
      this.report("MISSING_CLAUSE", rule.nameSpan, `a reward needs an award clause`, `add: ${exampleOf.award}`);
    }
  }

  private event(name: string, span: Span, kind: string): boolean {
    const info = eventsByName.get(name);
    if (!info) {
      const near = closest(name, writableEvents);
      this.report(
        "UNKNOWN_EVENT",
        span,
        `${name} is not an event${near ? `; did you mean ${near}?` : ""}`,
        `events: ${writableEvents.join(", ")}`,
      );
      return false;
    }
    if (!info.writableOn) {
      const hint = name.startsWith("action.")
        ? 'manual rewards are written: reward "Name" manual { award ... prompt "..." }'
        : name === "invoice.voided"
          ? "a void reverses what the invoice earned by itself"
          : "staff adjustments and redemptions are not rule events";
      this.report("EVENT_NOT_ALLOWED", span, `a rule cannot be written on ${name}`, hint);
      return false;
    }
    if (kind === "earn" && name !== "invoice.paid") {
      this.report(
        "EVENT_NOT_ALLOWED",
        span,
        `earn rules take points from a paid invoice, not from ${name}`,
        "write on invoice.paid, or use a reward rule for other events",
      );
      return true;
    }
    return true;
  }

  private clause(rule: Rule, c: Clause, context: string | null): void {
    switch (c.kind) {
      case "rate":
        if (c.points <= 0 || c.perCents <= 0)
          this.report(
            "INVALID_RATE",
            c.span,
            c.perCents <= 0 ? "a rate needs an amount above $0" : "a rate needs at least 1 point",
            "write it like: rate 1 point per $10",
          );
        else if (c.points > BOUNDS.ratePoints)
          this.report(
            "OUT_OF_RANGE",
            c.span,
            `a rate of ${c.points} points is too large`,
            "a rate gives at most 10,000 points per $0.01 or more",
          );
        this.money(c.perCents, c.span);
        break;
      case "minimum":
        this.money(c.cents, c.span);
        break;
      case "cap":
        if (c.points <= 0) this.report("INVALID_COUNT", c.span, "a cap of 0 never lets the rule award", "write a cap of at least 1 point");
        else if (c.points > BOUNDS.cap) this.report("OUT_OF_RANGE", c.span, "this cap is too large", "a cap is at most 10,000,000 points");
        break;
      case "available":
        this.duration(c.after, "the waiting time");
        break;
      case "during":
        if (!c.yearly && c.to < c.from)
          this.report(
            "DURING_REVERSED",
            c.span,
            `the range ends (${c.to}) before it starts (${c.from})`,
            `write during ${c.to} to ${c.from}`,
          );
        break;
      case "limit":
        if (c.count <= 0)
          this.report("INVALID_LIMIT", c.span, "a limit of 0 never lets the rule award", "write limit once per ... or remove the limit");
        else if (c.count > BOUNDS.count) this.report("OUT_OF_RANGE", c.span, "this limit is too large", "counts go up to 1,000,000,000");
        break;
      case "award":
        if (c.to === "referrer" && !(rule.kind === "reward" && rule.event?.name === "referral.converted"))
          this.report(
            "REFERRER_OUTSIDE_REFERRAL",
            c.span,
            "only referral.converted has a referrer",
            "remove `to referrer`, or write the rule on referral.converted",
          );
        this.prize(c.prize);
        break;
      case "accumulate":
        if (rule.kind === "reward" && context && !this.earnEvents.has(context))
          this.report("NO_EFFECT", c.span, `accumulate has no effect: no earn rule listens to ${context}`, undefined, "warning");
        break;
      case "prompt":
      case "confirmation":
        if (rule.kind === "reward" && rule.event)
          this.report("NO_EFFECT", c.span, `${c.kind} is only shown for manual rewards`, undefined, "warning");
        break;
      case "window":
        if (c.duration.amount <= 0)
          this.report("INVALID_COUNT", c.span, "a window must last longer than 0", "write it like: window 4 hours");
        this.duration(c.duration, "the window");
        break;
      case "when":
        this.condition(c.expr, "instant");
        break;
      case "unlock":
        this.coupons(c.coupons);
        if (!c.for)
          this.report(
            "MISSING_CLAUSE",
            c.span,
            "unlocked coupons need a time to use them",
            `add it: unlock ${c.coupons.map((x) => `coupon ${JSON.stringify(x.name)}`).join(", ")} for 48 hours`,
          );
        else if (c.for.amount <= 0) this.report("INVALID_COUNT", c.for.span, "coupons must stay unlocked for longer than 0");
        else this.duration(c.for, "the coupons' lifetime");
        for (const x of c.coupons)
          if (x.for)
            this.report(
              "TYPE_MISMATCH",
              x.for.span,
              "an instant rule's coupons share one lifetime",
              "write it once, after the last coupon",
            );
        break;
      case "every":
      case "phase":
        if (c.count <= 0) this.report("INVALID_COUNT", c.span, "the number of perfect surveys must be at least 1");
        else if (c.count > BOUNDS.count)
          this.report("OUT_OF_RANGE", c.span, "this number of surveys is too large", "counts go up to 1,000,000,000");
        this.prize(c.prize);
        break;
      default:
        break;
    }
  }

  private prize(p: Prize): void {
    if ((p.points ?? 0) === 0 && p.coupons.length === 0)
      this.report("NO_EFFECT", p.span, "this awards nothing: 0 points", undefined, "warning");
    if ((p.points ?? 0) > BOUNDS.award)
      this.report("OUT_OF_RANGE", p.span, `an award of ${p.points} points is too large`, "an award is at most 1,000,000 points");
    for (const c of p.coupons) {
      if (!c.for) continue;
      if (c.for.amount <= 0) this.report("INVALID_COUNT", c.for.span, "a coupon must last longer than 0");
      else this.duration(c.for, "the coupon's lifetime");
    }
    this.coupons(p.coupons);
  }

  private coupons(list: CouponRef[]): void {
    if (!this.catalog) return;
    for (const c of list) {
      if (this.catalog.includes(c.name)) continue;
      const near = closest(c.name, this.catalog);
      this.report(
        "UNKNOWN_COUPON",
        c.span,
        `there is no coupon "${c.name}" in the catalog${near ? `; did you mean "${near}"?` : ""}`,
        this.catalog.length ? `coupons: ${this.catalog.map((x) => `"${x}"`).join(", ")}` : "the catalog has no coupons yet",
      );
    }
  }

  /** A `when`: must type-check and be true/false. `context` null = unknown event (only member fields checked). */
  private condition(e: Expr, context: string | null): void {
    const t = this.type(e, context);
    if (t !== "bool" && t !== "error")
      this.report(
        "CONDITION_NOT_BOOLEAN",
        e.span,
        `a condition must be true or false, but this is ${describeTy(t)}`,
        "compare it, like: invoice.total >= $20",
      );
  }

  private type(e: Expr, ctx: string | null): Ty {
    switch (e.kind) {
      case "number":
        return "number";
      case "money":
        this.money(e.cents, e.span);
        return "money";
      case "string":
        return "text";
      case "bool":
        return "bool";
      case "path":
        return this.path(e, ctx);
      case "list": {
        const types = new Set(e.items.map((i) => this.type(i, ctx)).filter((t) => t !== "error"));
        if (types.size === 0) return e.items.length ? "error" : "list<empty>";
        if (types.size > 1) {
          this.report(
            "TYPE_MISMATCH",
            e.span,
            `a list holds values of one type, this one mixes ${[...types].map(describeTy).join(" and ")}`,
          );
          return "error";
        }
        const [only] = [...types];
        if (only === "number" || only === "money" || only === "text" || only === "bool") return `list<${only}>`;
        this.report("TYPE_MISMATCH", e.span, "a list holds numbers, amounts, texts or true/false");
        return "error";
      }
      case "not": {
        const t = this.type(e.operand, ctx);
        if (t !== "bool" && t !== "error") {
          this.report("CONDITION_NOT_BOOLEAN", e.operand.span, `not needs something true or false, but this is ${describeTy(t)}`);
          return "error";
        }
        return "bool";
      }
      case "hasTag": {
        const t = this.type(e.subject, ctx);
        if (t !== "member" && t !== "list<text>" && t !== "error") {
          this.report(
            "TYPE_MISMATCH",
            e.subject.span,
            `has tag applies to the member, not to ${describeTy(t)}`,
            'write: member has tag "vip"',
          );
          return "error";
        }
        return "bool";
      }
      case "binary":
        return this.binary(e, ctx);
    }
  }

  private path(e: Extract<Expr, { kind: "path" }>, ctx: string | null): Ty {
    if (e.path === "member") return "member";
    const where = ctx === "instant" ? "an instant rule" : ctx;
    if (ctx === null) {
      // Unknown event: its own fields cannot be checked, member fields still can.
      if (!e.path.startsWith("member.")) return "error";
      ctx = "member.registered";
    }
    const fields = fieldsFor(ctx);
    const f = fields.find((x) => x.name === e.path);
    if (f) return f.type === "list<text>" ? "list<text>" : f.type;
    if (instantFields.some((x) => x.name === e.path)) {
      this.report(
        "INSTANT_ONLY_FIELD",
        e.span,
        `${e.path} can only be read inside an instant rule's when`,
        "use an instant rule for thresholds within a visit",
      );
      return "error";
    }
    const names = fields.map((x) => x.name);
    if (allFieldNames.includes(e.path)) {
      this.report("FIELD_NOT_ON_EVENT", e.span, `${e.path} is not a field of ${where}`, `fields of ${where}: ${names.join(", ")}`);
      return "error";
    }
    const near = closest(e.path, names);
    this.report(
      "UNKNOWN_FIELD",
      e.span,
      `${e.path} is not a field of ${where}${near ? `; did you mean ${near}?` : ""}`,
      near ? `did you mean ${near}?` : `fields of ${where}: ${names.join(", ")}`,
    );
    return "error";
  }

  private mix(e: Extract<Expr, { kind: "binary" }>, lt: Ty): void {
    const numberSide = lt === "number" ? e.left : e.right;
    const hint = numberSide.kind === "number" ? `write ${dollars(numberSide.value)}` : "amounts are written with a dollar sign, like $20";
    const moneySide = lt === "number" ? e.right : e.left;
    const show = (x: Expr, what: string) =>
      x.kind === "path" ? `${what} (${x.path})` : x.kind === "number" ? `${what} (${x.value})` : what;
    const verb = e.op === "+" ? "add" : e.op === "-" ? "subtract" : "compare";
    this.report(
      "MONEY_NUMBER_MIX",
      numberSide.kind === "number" ? numberSide.span : e.span,
      `cannot ${verb} money${moneySide.kind === "path" ? ` (${moneySide.path})` : ""} and ${show(numberSide, "a plain number")}`,
      hint,
    );
  }

  /** `member.tier = "Gld"`: a tier the rule set does not declare never matches (a warning). */
  private tierName(e: Extract<Expr, { kind: "binary" }>): void {
    if (e.op !== "=" && e.op !== "!=" && e.op !== "in") return;
    const [field, other] = e.left.kind === "path" ? [e.left, e.right] : [e.right, e.left];
    if (field.kind !== "path" || field.path !== "member.tier") return;
    const names = this.tierNames ?? [];
    const values = other.kind === "string" ? [other] : other.kind === "list" ? other.items.filter((i) => i.kind === "string") : [];
    for (const v of values) {
      if (v.kind !== "string" || v.value === "" || names.includes(v.value)) continue;
      const near = closest(v.value, names);
      this.report(
        "NO_EFFECT",
        v.span,
        this.tierNames === null
          ? `there are no tiers, so member.tier is never "${v.value}"`
          : `there is no tier named "${v.value}"${near ? `; did you mean "${near}"?` : ""}`,
        this.tierNames === null
          ? 'declare them: tiers by spend over 12 months { tier "Member" from $0 ... }'
          : `tiers: ${names.map((n) => `"${n}"`).join(", ")}`,
        "warning",
      );
    }
  }

  private binary(e: Extract<Expr, { kind: "binary" }>, ctx: string | null): Ty {
    this.tierName(e);
    const lt = this.type(e.left, ctx);
    const rt = this.type(e.right, ctx);
    if (lt === "error" || rt === "error") return e.op === "and" || e.op === "or" || isComparison(e.op) || e.op === "in" ? "bool" : "error";
    const moneyNumber = (lt === "money" && rt === "number") || (lt === "number" && rt === "money");
    const bad = (message: string, hint?: string): Ty => {
      this.report("TYPE_MISMATCH", e.span, message, hint);
      return isComparison(e.op) || e.op === "in" ? "bool" : "error";
    };
    switch (e.op) {
      case "and":
      case "or":
        for (const [side, t] of [
          [e.left, lt],
          [e.right, rt],
        ] as const) {
          if (t !== "bool")
            this.report(
              "CONDITION_NOT_BOOLEAN",
              side.span,
              `${e.op} joins conditions, but this is ${describeTy(t)}`,
              "compare it, like: invoice.total >= $20",
            );
        }
        return "bool";
      case "+":
      case "-":
        if (lt === rt && (lt === "number" || lt === "money")) return lt;
        if (moneyNumber) {
          this.mix(e, lt);
          return "error";
        }
        return bad(`cannot ${e.op === "+" ? "add" : "subtract"} ${describeTy(lt)} and ${describeTy(rt)}`);
      case "*":
        if (lt === "number" && rt === "number") return "number";
        if (moneyNumber) return "money";
        return bad(`cannot multiply ${describeTy(lt)} by ${describeTy(rt)}`);
      case "/":
        if (lt === "number" && rt === "number") return "number";
        if (lt === "money" && rt === "number") return "money";
        if (lt === "money" && rt === "money") return "number";
        return bad(`cannot divide ${describeTy(lt)} by ${describeTy(rt)}`);
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (lt === rt && (lt === "number" || lt === "money")) return "bool";
        if (moneyNumber) {
          this.mix(e, lt);
          return "bool";
        }
        return bad(`cannot order ${describeTy(lt)} and ${describeTy(rt)}`, "only numbers and amounts can be compared with < or >");
      case "=":
      case "!=":
        if (lt === rt) return "bool";
        if (moneyNumber) {
          this.mix(e, lt);
          return "bool";
        }
        if ((lt === "list<empty>" && rt.startsWith("list<")) || (rt === "list<empty>" && lt.startsWith("list<"))) return "bool";
        return bad(`cannot compare ${describeTy(lt)} with ${describeTy(rt)}`);
      case "in": {
        if (!rt.startsWith("list<"))
          return bad(`in needs a list on its right, not ${describeTy(rt)}`, 'write it like: "XRAY" in invoice.codes');
        const elem = rt.slice(5, -1);
        if (elem === "empty" || elem === lt) return "bool";
        if ((lt === "number" && elem === "money") || (lt === "money" && elem === "number")) {
          this.report(
            "MONEY_NUMBER_MIX",
            e.span,
            "cannot look for money among plain numbers (or the other way round)",
            "amounts are written with a dollar sign, like $20",
          );
          return "bool";
        }
        return bad(`cannot look for ${describeTy(lt)} in a list of ${describeTy(elem as Ty)}`);
      }
    }
  }
}

function isComparison(op: string): boolean {
  return op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=";
}

function describeTy(t: Ty | string): string {
  switch (t) {
    case "number":
      return "a number";
    case "money":
      return "money";
    case "text":
      return "text";
    case "bool":
      return "true/false";
    case "member":
      return "the member";
    case "list<empty>":
      return "an empty list";
    default:
      return t.startsWith("list<") ? `a list of ${describeTy(t.slice(5, -1))}` : String(t);
  }
}

/** Checks an AST that was already parsed (the parse diagnostics are not repeated). */
export function checkAst(ast: RuleSet, options: CheckOptions = {}): Diagnostic[] {
  const c = new Checker(options);
  c.run(ast);
  return c.out;
}
