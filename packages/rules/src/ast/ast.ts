// The typed syntax tree. Positions live in `span` fields only, so two trees can be compared
// without them (the formatter's round-trip property relies on that).
import type { Span } from "../diagnostics/diagnostic.ts";

export type { Span };

export type BinaryOp = "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "+" | "-" | "*" | "/";

export type Expr =
  | { kind: "number"; value: number; span: Span }
  | { kind: "money"; cents: number; span: Span }
  | { kind: "string"; value: string; span: Span }
  | { kind: "bool"; value: boolean; span: Span }
  | { kind: "path"; path: string; span: Span }
  | { kind: "list"; items: Expr[]; span: Span }
  | { kind: "not"; operand: Expr; span: Span }
  | { kind: "hasTag"; subject: Expr; tag: string; span: Span }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr; span: Span };

/** `week` is 7 × 24 hours; `month` is a calendar month (same local day and time, clamped). */
export type DurationUnit = "minute" | "hour" | "day" | "week" | "month";
export interface Duration {
  amount: number;
  unit: DurationUnit;
  span: Span;
}

export interface CouponRef {
  name: string;
  span: Span;
  /** In an award: how long the coupon lasts (`coupon "x" for 30 days`). */
  for?: Duration;
}

/** What a rule gives: points, coupons, or both. */
export interface Prize {
  points: number | null;
  coupons: CouponRef[];
  span: Span;
}

export type Items = "eligible" | "all" | string[];
export type EarnMode = "per_transaction" | "total_spend";
export type AccumulateMode = "yes" | "no" | "better_choice";
export type LimitPeriod = "member" | "day" | "week" | "month" | "year";
export type CapPeriod = "invoice" | "day" | "week" | "month" | "year";
export type Recipient = "member" | "referrer";

export type Clause =
  | { kind: "rate"; points: number; perCents: number; span: Span }
  | { kind: "mode"; mode: EarnMode; span: Span }
  | { kind: "minimum"; cents: number; span: Span }
  | { kind: "items"; items: Items; span: Span }
  /** Dates YYYY-MM-DD, or with `yearly` month-days MM-DD (`during every year 12-15 to 01-05`). */
  | { kind: "during"; from: string; to: string; yearly?: true; span: Span }
  | { kind: "award"; prize: Prize; to: Recipient | null; span: Span }
  | { kind: "accumulate"; mode: AccumulateMode; span: Span }
  | { kind: "limit"; count: number; per: LimitPeriod; span: Span }
  | { kind: "prompt"; text: string; span: Span }
  | { kind: "confirmation"; text: string; span: Span }
  | { kind: "window"; duration: Duration; span: Span }
  | { kind: "when"; expr: Expr; span: Span }
  | { kind: "unlock"; coupons: CouponRef[]; for: Duration | null; span: Span }
  | { kind: "every"; count: number; prize: Prize; span: Span }
  | { kind: "phase"; name: string; count: number; prize: Prize; span: Span }
  | { kind: "cap"; points: number; per: CapPeriod; span: Span }
  | { kind: "available"; after: Duration; span: Span };

export type ClauseKind = Clause["kind"];

export type RuleKind = "earn" | "reward" | "instant" | "milestone";

export interface RuleBase {
  name: string;
  nameSpan: Span;
  /** From the keyword to the closing brace. */
  span: Span;
  clauses: Clause[];
  /** True when the parser had to recover inside this rule: some parts may be missing. */
  recovered?: boolean;
}

export interface EarnRule extends RuleBase {
  kind: "earn";
  event: EventRef;
  when: Expr | null;
}

export interface RewardRule extends RuleBase {
  kind: "reward";
  /** null for a manual reward */
  event: EventRef | null;
  when: Expr | null;
}

export interface InstantRule extends RuleBase {
  kind: "instant";
}

export interface MilestoneRule extends RuleBase {
  kind: "milestone";
  program: "unlimited" | "limited";
  /** A perfect survey counts toward the milestone only when this holds. */
  when?: Expr;
}

export interface EventRef {
  name: string;
  span: Span;
}

export type Rule = EarnRule | RewardRule | InstantRule | MilestoneRule;

/** `expire points 12 months after earning` | `expire points after 18 months without activity`. */
export interface ExpireDecl {
  kind: "expire";
  mode: "after_earning" | "inactivity";
  months: number;
  span: Span;
}

export interface TierDef {
  name: string;
  /** Cents (`by spend`) or a count (`by points`, `by visits`). */
  from: number;
  /** Whether the threshold was written as money. */
  money: boolean;
  /** The multiplier as written ("1.25"), exact decimal; null = 1. */
  multiplier: string | null;
  span: Span;
}

export interface TiersDecl {
  kind: "tiers";
  by: "spend" | "points" | "visits";
  months: number;
  tiers: TierDef[];
  span: Span;
}

export type Declaration = ExpireDecl | TiersDecl;

export interface RuleSet {
  rules: Rule[];
  /** Program-wide declarations (SPEC 7), in source order; absent when there are none. */
  declarations?: Declaration[];
}

/** Deep copy without any `span`/`nameSpan`/`recovered` keys: what "equal ignoring positions" means. */
export function stripPositions<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripPositions) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "span" || k === "nameSpan" || k === "recovered") continue;
      out[k] = stripPositions(v);
    }
    return out as T;
  }
  return value;
}
