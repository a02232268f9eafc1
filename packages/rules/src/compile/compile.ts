// AST -> a program of plain data and closures (never eval / new Function). A program is a
// checked rule set plus the practice settings it runs under.
import type {
  AccumulateMode,
  CapPeriod,
  Clause,
  DurationUnit,
  EarnMode,
  Expr,
  Items,
  LimitPeriod,
  Prize,
  Rule,
  RuleSet,
  TiersDecl,
} from "../ast/ast.ts";
import type { EvalContext } from "../engine/context.ts";
import type { ProgramStatus } from "../engine/types.ts";
import { clockFor, type LocalClock } from "../time.ts";
import { fieldGetters } from "./fields.ts";

export interface ProgramSettings {
  /** IANA timezone of the practice; periods and `during` dates use it. Default UTC. */
  timezone?: string;
  status?: ProgramStatus;
  /** Eligible billing codes, or "all" (default). */
  eligible?: "all" | readonly string[];
  /** False where the practice's state forbids paying for referrals: `referral.converted` rules award nothing. Default true. */
  referralRewards?: boolean;
}

export type Pred = (c: EvalContext) => boolean;
type Val = (c: EvalContext) => unknown;

/** A duration as written; months are calendar months (time.ts addDuration). */
export interface CompiledDuration {
  amount: number;
  unit: DurationUnit;
}

export interface CompiledPrize {
  points: number;
  coupons: string[];
  /** Per coupon (same order): its lifetime from the awarding event, or null (never expires). */
  couponFor: (CompiledDuration | null)[];
}

/** Dates YYYY-MM-DD, or with `yearly` month-days MM-DD that may wrap the new year. */
export interface CompiledDuring {
  from: string;
  to: string;
  yearly?: true;
}

interface Base {
  index: number;
  name: string;
  during: CompiledDuring | null;
}

export interface CompiledEarn extends Base {
  kind: "earn";
  event: string;
  when: Pred | null;
  mode: EarnMode;
  rate: number;
  per: number;
  minimum: number;
  items: Items;
  /** For `items [...]`: the listed codes. */
  codes: ReadonlySet<string> | null;
  cap: { points: number; per: CapPeriod } | null;
  /** `available after`: the points can be redeemed only from the award's time + this. */
  availableAfter: CompiledDuration | null;
}

export interface CompiledAward {
  prize: CompiledPrize;
  to: "member" | "referrer";
}

export interface CompiledReward extends Base {
  kind: "reward";
  /** null: a manual reward */
  event: string | null;
  when: Pred | null;
  awards: CompiledAward[];
  accumulate: AccumulateMode;
  limit: { count: number; per: LimitPeriod } | null;
  prompt: string | null;
  confirmation: string | null;
}

export interface CompiledMilestone extends Base {
  kind: "milestone";
  program: "unlimited" | "limited";
  /** Unlimited: one step repeated; limited: the phases in order. */
  steps: { name: string | null; count: number; prize: CompiledPrize }[];
  /** A perfect survey counts only when this holds. */
  when: Pred | null;
}

export interface CompiledInstant extends Base {
  kind: "instant";
  window: CompiledDuration;
  when: Pred;
  coupons: string[];
  for: CompiledDuration | null;
}

export interface CompiledExpire {
  mode: "after_earning" | "inactivity";
  months: number;
}

export interface CompiledTier {
  name: string;
  /** Cents or a count. */
  from: number;
  /** The multiplier in hundredths (1.25 -> 125): exact decimal arithmetic. */
  hundredths: number;
}

export interface CompiledTiers {
  by: TiersDecl["by"];
  months: number;
  /** Lowest threshold first. */
  tiers: CompiledTier[];
}

export type CompiledRule = CompiledEarn | CompiledReward | CompiledMilestone | CompiledInstant;

export interface EventPlan {
  /** Earn, reward and milestone rules on this event, in declaration order. */
  rules: (CompiledEarn | CompiledReward | CompiledMilestone)[];
  earns: CompiledEarn[];
  hasRewards: boolean;
  /** Some rule on this event reads a field, a date or a limit: build an evaluation context
   * (its local date is computed lazily, so Intl is never touched when no rule needs a period). */
  needsContext: boolean;
}

export interface Program {
  rules: CompiledRule[];
  status: ProgramStatus;
  timezone: string;
  clock: LocalClock;
  /** null = every code is eligible */
  eligible: ReadonlySet<string> | null;
  plans: ReadonlyMap<string, EventPlan>;
  instants: CompiledInstant[];
  manual: ReadonlyMap<string, CompiledReward>;
  /** Earn rules in total_spend mode: the only ones whose per-invoice basis must be kept. */
  totalSpendRules: CompiledEarn[];
  /** SPEC 7: points expiry and tiers, null when the rule set does not declare them. */
  expire: CompiledExpire | null;
  tiers: CompiledTiers | null;
  /** Points one event can give at most besides earn rules (rewards and milestones): bounds checks. */
  maxFixedPoints: number;
  /** Points per cent of basis at most, over every earn rule and the largest multiplier. */
  maxPointsPerCent: number;
  /** Some feature needs each event's instant (expiry, tiers, `available after`). */
  timed: boolean;
  /** False: rules on `referral.converted` award nothing (the practice switched referral rewards off). */
  referralRewards: boolean;
}

export class CompileError extends Error {}

/** Compile a checked AST. Throws CompileError if the AST is incomplete (check it first). */
export function compile(ast: RuleSet, settings: ProgramSettings = {}): Program {
  const timezone = settings.timezone ?? "UTC";
  const rules = ast.rules.map((r, i) => compileRule(r, i));
  const plans = new Map<string, EventPlan>();
  for (const r of rules) {
    if ((r.kind === "earn" || r.kind === "reward") && r.event) {
      let plan = plans.get(r.event);
      if (!plan) {
        plan = { rules: [], earns: [], hasRewards: false, needsContext: false };
        plans.set(r.event, plan);
      }
      plan.rules.push(r);
      if (r.kind === "earn") plan.earns.push(r);
      else plan.hasRewards = true;
    }
  }
  if (settings.referralRewards === false) plans.delete("referral.converted");
  const milestones = rules.filter((r): r is CompiledMilestone => r.kind === "milestone");
  if (milestones.length) {
    let plan = plans.get("survey.submitted");
    if (!plan) {
      plan = { rules: [], earns: [], hasRewards: false, needsContext: false };
      plans.set("survey.submitted", plan);
    }
    plan.rules.push(...milestones);
    plan.rules.sort((a, b) => a.index - b.index);
  }
  for (const plan of plans.values()) {
    plan.needsContext = plan.rules.some(
      (r) =>
        r.kind === "milestone" ||
        r.during !== null ||
        r.when !== null ||
        (r.kind === "reward" && r.limit !== null) ||
        (r.kind === "earn" && r.cap !== null),
    );
  }
  const eligible = settings.eligible === undefined || settings.eligible === "all" ? null : new Set(settings.eligible);
  const decls = ast.declarations ?? [];
  const ex = decls.find((d) => d.kind === "expire");
  const td = decls.find((d): d is TiersDecl => d.kind === "tiers");
  const tiers: CompiledTiers | null = td
    ? { by: td.by, months: td.months, tiers: td.tiers.map((t) => ({ name: t.name, from: t.from, hundredths: hundredths(t.multiplier) })) }
    : null;
  const maxMultiplier = tiers ? Math.max(...tiers.tiers.map((t) => t.hundredths)) / 100 : 1;
  let maxFixedPoints = 0;
  let maxPointsPerCent = 0;
  for (const r of rules) {
    if (r.kind === "reward") for (const a of r.awards) maxFixedPoints += a.prize.points;
    else if (r.kind === "milestone") maxFixedPoints += Math.max(0, ...r.steps.map((x) => x.prize.points));
    else if (r.kind === "earn") maxPointsPerCent += (r.rate / r.per) * maxMultiplier;
  }
  return {
    rules,
    status: settings.status ?? "on",
    timezone,
    clock: clockFor(timezone),
    eligible,
    plans,
    instants: rules.filter((r): r is CompiledInstant => r.kind === "instant"),
    manual: new Map(rules.filter((r): r is CompiledReward => r.kind === "reward" && r.event === null).map((r) => [r.name, r])),
    totalSpendRules: rules.filter((r): r is CompiledEarn => r.kind === "earn" && r.mode === "total_spend"),
    expire: ex ? { mode: ex.mode, months: ex.months } : null,
    tiers,
    maxFixedPoints,
    maxPointsPerCent,
    timed: ex !== undefined || tiers !== null || rules.some((r) => r.kind === "earn" && r.availableAfter !== null),
    referralRewards: settings.referralRewards !== false,
  };
}

/** "1.25" -> 125, null -> 100 (checked: at most two decimals). */
function hundredths(m: string | null): number {
  if (m === null) return 100;
  const [whole = "0", frac = ""] = m.split(".");
  return Number(whole) * 100 + Number(`${frac}00`.slice(0, 2));
}

function find<K extends Clause["kind"]>(r: Rule, kind: K): Extract<Clause, { kind: K }> | undefined {
  return r.clauses.find((c) => c.kind === kind) as Extract<Clause, { kind: K }> | undefined;
}

function prize(p: Prize): CompiledPrize {
  return {
    points: p.points ?? 0,
    coupons: p.coupons.map((c) => c.name),
    couponFor: p.coupons.map((c) => (c.for ? { amount: c.for.amount, unit: c.for.unit } : null)),
  };
}

function compileRule(r: Rule, index: number): CompiledRule {
  const d = find(r, "during");
  const during: CompiledDuring | null = d ? (d.yearly ? { from: d.from, to: d.to, yearly: true } : { from: d.from, to: d.to }) : null;
  switch (r.kind) {
    case "earn": {
      const rate = find(r, "rate");
      if (!rate) throw new CompileError(`earn rule "${r.name}" has no rate`);
      const items = find(r, "items")?.items ?? "eligible";
      const cap = find(r, "cap");
      const available = find(r, "available");
      return {
        kind: "earn",
        index,
        name: r.name,
        during,
        event: r.event.name,
        when: r.when ? pred(r.when) : null,
        mode: find(r, "mode")?.mode ?? "per_transaction",
        rate: rate.points,
        per: rate.perCents,
        minimum: find(r, "minimum")?.cents ?? 0,
        items,
        codes: Array.isArray(items) ? new Set(items) : null,
        cap: cap ? { points: cap.points, per: cap.per } : null,
        availableAfter: available ? { amount: available.after.amount, unit: available.after.unit } : null,
      };
    }
    case "reward": {
      const awards = r.clauses
        .filter((c): c is Extract<Clause, { kind: "award" }> => c.kind === "award")
        .map((c) => ({ prize: prize(c.prize), to: c.to ?? ("member" as const) }));
      if (awards.length === 0) throw new CompileError(`reward "${r.name}" has no award`);
      const limit = find(r, "limit");
      return {
        kind: "reward",
        index,
        name: r.name,
        during,
        event: r.event?.name ?? null,
        when: r.when ? pred(r.when) : null,
        awards,
        accumulate: find(r, "accumulate")?.mode ?? "yes",
        limit: limit ? { count: limit.count, per: limit.per } : null,
        prompt: find(r, "prompt")?.text ?? null,
        confirmation: find(r, "confirmation")?.text ?? null,
      };
    }
    case "instant": {
      const w = find(r, "window");
      const when = find(r, "when");
      const unlock = find(r, "unlock");
      if (!w || !when || !unlock) throw new CompileError(`instant rule "${r.name}" is incomplete`);
      return {
        kind: "instant",
        index,
        name: r.name,
        during,
        window: { amount: w.duration.amount, unit: w.duration.unit },
        when: pred(when.expr),
        coupons: unlock.coupons.map((c) => c.name),
        for: unlock.for ? { amount: unlock.for.amount, unit: unlock.for.unit } : null,
      };
    }
    case "milestone": {
      const steps =
        r.program === "unlimited"
          ? r.clauses.filter((c) => c.kind === "every").map((c) => ({ name: null, count: c.count, prize: prize(c.prize) }))
          : r.clauses.filter((c) => c.kind === "phase").map((c) => ({ name: c.name, count: c.count, prize: prize(c.prize) }));
      if (steps.length === 0) throw new CompileError(`milestone "${r.name}" has no steps`);
      return { kind: "milestone", index, name: r.name, during, program: r.program, steps, when: r.when ? pred(r.when) : null };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Expressions. Values are numbers (money in cents), strings, booleans, arrays, or undefined
// for a fact that is not known (e.g. member.age without a birthday): every comparison with an
// unknown value is false.

export function pred(e: Expr): Pred {
  const v = value(e);
  return (c) => v(c) === true;
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return a === b;
}

function value(e: Expr): Val {
  switch (e.kind) {
    case "number":
    case "bool":
    case "string": {
      const v = e.value;
      return () => v;
    }
    case "money": {
      const v = e.cents;
      return () => v;
    }
    case "path": {
      const g = fieldGetters[e.path];
      if (!g) throw new CompileError(`unknown field ${e.path}`);
      return g;
    }
    case "list": {
      const items = e.items.map(value);
      return (c) => items.map((f) => f(c));
    }
    case "not": {
      const o = value(e.operand);
      return (c) => {
        const x = o(c);
        return typeof x === "boolean" ? !x : undefined;
      };
    }
    case "hasTag": {
      const tag = e.tag;
      const subject = e.subject.kind === "path" && e.subject.path === "member" ? fieldGetters["member.tags"]! : value(e.subject);
      return (c) => {
        const s = subject(c);
        return Array.isArray(s) && s.includes(tag);
      };
    }
    case "binary": {
      const l = value(e.left);
      const r = value(e.right);
      switch (e.op) {
        case "and":
          return (c) => l(c) === true && r(c) === true;
        case "or":
          return (c) => l(c) === true || r(c) === true;
        case "=":
          return (c) => {
            const a = l(c);
            const b = r(c);
            return a !== undefined && b !== undefined && equal(a, b);
          };
        case "!=":
          return (c) => {
            const a = l(c);
            const b = r(c);
            return a !== undefined && b !== undefined && !equal(a, b);
          };
        case "<":
          return (c) => num2(l(c), r(c), (a, b) => a < b);
        case "<=":
          return (c) => num2(l(c), r(c), (a, b) => a <= b);
        case ">":
          return (c) => num2(l(c), r(c), (a, b) => a > b);
        case ">=":
          return (c) => num2(l(c), r(c), (a, b) => a >= b);
        case "in":
          return (c) => {
            const a = l(c);
            const list = r(c);
            return a !== undefined && Array.isArray(list) && list.some((x) => equal(x, a));
          };
        case "+":
          return (c) => arith(l(c), r(c), (a, b) => a + b);
        case "-":
          return (c) => arith(l(c), r(c), (a, b) => a - b);
        case "*":
          return (c) => arith(l(c), r(c), (a, b) => a * b);
        case "/":
          return (c) => arith(l(c), r(c), (a, b) => (b === 0 ? undefined : a / b));
      }
    }
  }
}

function num2(a: unknown, b: unknown, f: (a: number, b: number) => boolean): boolean {
  return typeof a === "number" && typeof b === "number" && f(a, b);
}

function arith(a: unknown, b: unknown, f: (a: number, b: number) => number | undefined): number | undefined {
  return typeof a === "number" && typeof b === "number" ? f(a, b) : undefined;
}
