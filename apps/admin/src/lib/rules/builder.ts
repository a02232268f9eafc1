// The form builder for the common programs. It builds the rule's syntax tree and prints it with
// @tally/rules' formatter, so what the builder writes is exactly what the editor would format.
import {
  type AccumulateMode,
  type Clause,
  type Expr,
  formatRule,
  type LimitPeriod,
  type Prize,
  parse,
  type Rule,
  type Span,
} from "@tally/rules";

export type BuilderKind = "consumption" | "action" | "instant" | "milestone_unlimited" | "milestone_limited";

export const builderKinds: { value: BuilderKind; label: string; hint: string }[] = [
  { value: "consumption", label: "Consumption earning", hint: "Points for money spent on paid invoices." },
  {
    value: "action",
    label: "Action reward",
    hint: "Points for an action: check-in, birthday, review, consent, or a manual prompt staff approve.",
  },
  { value: "instant", label: "Instant reward", hint: "Coupons unlocked during a visit when spend or points reach a threshold." },
  { value: "milestone_unlimited", label: "Milestone (unlimited)", hint: "A prize every N perfect compliance surveys." },
  { value: "milestone_limited", label: "Milestone (phases)", hint: "Named phases, each after a number of perfect surveys." },
];

/** Events an action reward can be written `on` (the others are recorded but not rule triggers). */
export const actionEvents: { value: string; label: string }[] = [
  { value: "visit.checked_in", label: "Check-in" },
  { value: "member.birthday", label: "Birthday" },
  { value: "member.registered", label: "Registration (welcome)" },
  { value: "member.first_login", label: "First portal login" },
  { value: "invoice.paid", label: "Invoice paid (e.g. first visit)" },
  { value: "consent.given", label: "Consent given" },
  { value: "review.posted", label: "Review posted" },
  { value: "qr.scanned", label: "QR code scanned" },
  { value: "marketplace.participated", label: "Contest, survey or social post" },
  { value: "referral.converted", label: "Referral converted" },
  { value: "survey.submitted", label: "Compliance survey submitted" },
  { value: "manual", label: "Manual (patient answers a prompt, staff approve)" },
];

export interface PhaseValues {
  name: string;
  count: string;
  points: string;
  coupons: string;
}

/** Every field is the text of a form input, so the model round-trips through FormData unchanged. */
export interface BuilderValues {
  kind: BuilderKind;
  name: string;
  condition: string;
  duringFrom: string;
  duringTo: string;
  // consumption
  ratePoints: string;
  perDollars: string;
  mode: "per_transaction" | "total_spend";
  minimum: string;
  /** Most points per period (SPEC 7 `cap`); empty for none. */
  capPoints: string;
  capPer: "invoice" | "day" | "week" | "month" | "year";
  /** Days before the points may be redeemed (`available after`, the refund window); empty for at once. */
  availableDays: string;
  items: "eligible" | "all" | "codes";
  codes: string;
  // action
  event: string;
  points: string;
  referrerPoints: string;
  coupons: string;
  accumulate: AccumulateMode;
  limit: "none" | "once" | "count";
  limitCount: string;
  limitPer: LimitPeriod;
  prompt: string;
  confirmation: string;
  // instant
  windowAmount: string;
  windowUnit: "minute" | "hour" | "day";
  spendAtLeast: string;
  pointsAtLeast: string;
  forAmount: string;
  forUnit: "minute" | "hour" | "day";
  // milestones
  every: string;
  phases: PhaseValues[];
}

export const defaultBuilderValues = (kind: BuilderKind = "consumption"): BuilderValues => ({
  kind,
  name: "",
  condition: "",
  duringFrom: "",
  duringTo: "",
  ratePoints: "1",
  perDollars: "10",
  mode: "per_transaction",
  minimum: "",
  capPoints: "",
  capPer: "day",
  availableDays: "",
  items: "eligible",
  codes: "",
  event: "visit.checked_in",
  points: "",
  referrerPoints: "",
  coupons: "",
  accumulate: "yes",
  limit: "none",
  limitCount: "1",
  limitPer: "day",
  prompt: "",
  confirmation: "",
  windowAmount: "4",
  windowUnit: "hour",
  spendAtLeast: "",
  pointsAtLeast: "",
  forAmount: "48",
  forUnit: "hour",
  every: "5",
  phases: [{ name: "", count: "5", points: "", coupons: "" }],
});

export type BuilderErrors = Partial<Record<string, string>>;

export interface BuildResult {
  /** The rule in canonical form, or null when a field needs fixing. */
  source: string | null;
  errors: BuilderErrors;
}

const span: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

const intOf = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number.parseInt(s, 10) : null);

/** "$1,250.50" / "1250.5" / "20" -> cents, exactly (no floats); null when it is not an amount. */
export function dollarsToCents(s: string): number | null {
  const m = /^\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(s);
  if (!m) return null;
  const whole = Number.parseInt((m[1] as string).replace(/,/g, ""), 10);
  const frac = m[2] ? Number.parseInt(m[2].padEnd(2, "0"), 10) : 0;
  return whole * 100 + frac;
}

const couponList = (s: string) =>
  s
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);

/** Parses a condition as the checker will see it, inside a throwaway rule. */
function parseCondition(text: string, event: string): { expr: Expr | null; error?: string } {
  const probe = `reward "probe" on ${event} when ${text} { award 1 point }`;
  const { ast, diagnostics } = parse(probe);
  const rule = ast.rules[0];
  if (diagnostics.length > 0 || !rule || rule.kind !== "reward" || !rule.when) {
    return { expr: null, error: `This condition does not read as one: ${diagnostics[0]?.message ?? "check its spelling"}.` };
  }
  return { expr: rule.when };
}

function prizeOf(points: string, coupons: string, errors: BuilderErrors, field: string, couponField: string): Prize | null {
  const names = couponList(coupons);
  const p = points.trim() === "" ? null : intOf(points);
  if (points.trim() !== "" && (p === null || p <= 0)) {
    errors[field] = "Enter a whole number of points above 0.";
    return null;
  }
  if (p === null && names.length === 0) {
    errors[field] = "Give points, a coupon, or both.";
    return null;
  }
  for (const n of names) {
    if (n.includes('"')) {
      errors[couponField] = "Coupon names cannot contain quotes.";
      return null;
    }
  }
  return { points: p, coupons: names.map((name) => ({ name, span })), span };
}

function positive(value: string, field: string, errors: BuilderErrors, what: string): number {
  const n = intOf(value);
  if (n === null || n <= 0) {
    errors[field] = `Enter ${what} as a whole number above 0.`;
    return 0;
  }
  return n;
}

/** Builds the rule the form describes; errors name the field (by its form name) to fix. */
export function buildRule(v: BuilderValues): BuildResult {
  const errors: BuilderErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = "Give the rule a name patients and staff will recognise.";
  const clauses: Clause[] = [];
  let rule: Rule | null = null;

  const during = (): void => {
    const from = v.duringFrom.trim();
    const to = v.duringTo.trim();
    if (!from && !to) return;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) {
      errors.duringFrom = "Give both dates of the promotion, or neither.";
      return;
    }
    if (from > to) {
      errors.duringFrom = "The promotion must start on or before its last day.";
      return;
    }
    clauses.push({ kind: "during", from, to, span });
  };

  switch (v.kind) {
    case "consumption": {
      const points = positive(v.ratePoints, "ratePoints", errors, "the points");
      const per = dollarsToCents(v.perDollars);
      if (per === null || per <= 0) errors.perDollars = "Enter an amount like 10 or 12.50.";
      clauses.push({ kind: "rate", points, perCents: per ?? 0, span });
      if (v.mode === "total_spend") clauses.push({ kind: "mode", mode: "total_spend", span });
      if (v.minimum.trim()) {
        const min = dollarsToCents(v.minimum);
        if (min === null) errors.minimum = "Enter an amount like 20, or leave it empty.";
        else if (v.mode === "total_spend") errors.minimum = "A minimum applies per transaction only; clear it for total spend.";
        else clauses.push({ kind: "minimum", cents: min, span });
      }
      if (v.items === "all") clauses.push({ kind: "items", items: "all", span });
      if (v.capPoints.trim()) {
        const cap = intOf(v.capPoints);
        if (cap === null || cap <= 0) errors.capPoints = "Enter a whole number of points, or leave it empty.";
        else clauses.push({ kind: "cap", points: cap, per: v.capPer, span });
      }
      if (v.availableDays.trim()) {
        const days = intOf(v.availableDays);
        if (days === null || days <= 0) errors.availableDays = "Enter a number of days, like 14, or leave it empty.";
        else clauses.push({ kind: "available", after: { amount: days, unit: "day", span }, span });
      }
      if (v.items === "codes") {
        const codes = couponList(v.codes);
        if (codes.length === 0) errors.codes = "List the billing codes that earn, separated by commas.";
        clauses.push({ kind: "items", items: codes, span });
      }
      during();
      const when = v.condition.trim() ? parseCondition(v.condition, "invoice.paid") : { expr: null };
      if (when.error) errors.condition = when.error;
      rule = { kind: "earn", name, nameSpan: span, span, clauses, event: { name: "invoice.paid", span }, when: when.expr };
      break;
    }
    case "action": {
      const manual = v.event === "manual";
      if (!manual && !actionEvents.some((e) => e.value === v.event)) errors.event = "Choose what the reward is for.";
      const prize = prizeOf(v.points, v.coupons, errors, "points", "coupons");
      if (prize) clauses.push({ kind: "award", prize, to: null, span });
      if (v.event === "referral.converted" && v.referrerPoints.trim()) {
        const rp = positive(v.referrerPoints, "referrerPoints", errors, "the referrer's points");
        clauses.push({ kind: "award", prize: { points: rp, coupons: [], span }, to: "referrer", span });
      }
      if (!manual && v.accumulate !== "yes") clauses.push({ kind: "accumulate", mode: v.accumulate, span });
      if (v.limit === "once") clauses.push({ kind: "limit", count: 1, per: "member", span });
      if (v.limit === "count")
        clauses.push({ kind: "limit", count: positive(v.limitCount, "limitCount", errors, "the limit"), per: v.limitPer, span });
      if (manual) {
        if (!v.prompt.trim()) errors.prompt = "Write the prompt patients answer in the portal.";
        clauses.push({ kind: "prompt", text: v.prompt.trim(), span });
        if (v.confirmation.trim()) clauses.push({ kind: "confirmation", text: v.confirmation.trim(), span });
      }
      during();
      let when: Expr | null = null;
      if (!manual && v.condition.trim()) {
        const parsed = parseCondition(v.condition, v.event);
        if (parsed.error) errors.condition = parsed.error;
        when = parsed.expr;
      }
      rule = { kind: "reward", name, nameSpan: span, span, clauses, event: manual ? null : { name: v.event, span }, when };
      break;
    }
    case "instant": {
      const amount = positive(v.windowAmount, "windowAmount", errors, "the visit window");
      clauses.push({ kind: "window", duration: { amount, unit: v.windowUnit, span }, span });
      const parts: Expr[] = [];
      if (v.spendAtLeast.trim()) {
        const cents = dollarsToCents(v.spendAtLeast);
        if (cents === null) errors.spendAtLeast = "Enter an amount like 300.";
        else
          parts.push({
            kind: "binary",
            op: ">=",
            left: { kind: "path", path: "visit.spend", span },
            right: { kind: "money", cents, span },
            span,
          });
      }
      if (v.pointsAtLeast.trim()) {
        const pts = positive(v.pointsAtLeast, "pointsAtLeast", errors, "the points");
        parts.push({
          kind: "binary",
          op: ">=",
          left: { kind: "path", path: "visit.points", span },
          right: { kind: "number", value: pts, span },
          span,
        });
      }
      if (parts.length === 0 && !errors.spendAtLeast) errors.spendAtLeast = "Give a spend threshold, a points threshold, or both.";
      const expr = parts.reduce<Expr | null>((acc, e) => (acc ? { kind: "binary", op: "or", left: acc, right: e, span } : e), null);
      if (expr) clauses.push({ kind: "when", expr, span });
      const coupons = couponList(v.coupons);
      if (coupons.length === 0) errors.coupons = "Name at least one coupon to unlock.";
      const forAmount = v.forAmount.trim() ? positive(v.forAmount, "forAmount", errors, "how long coupons last") : 0;
      clauses.push({
        kind: "unlock",
        coupons: coupons.map((c) => ({ name: c, span })),
        for: forAmount ? { amount: forAmount, unit: v.forUnit, span } : null,
        span,
      });
      rule = { kind: "instant", name, nameSpan: span, span, clauses };
      break;
    }
    case "milestone_unlimited": {
      const count = positive(v.every, "every", errors, "the number of perfect surveys");
      const prize = prizeOf(v.points, v.coupons, errors, "points", "coupons");
      if (prize) clauses.push({ kind: "every", count, prize, span });
      rule = { kind: "milestone", program: "unlimited", name, nameSpan: span, span, clauses };
      break;
    }
    case "milestone_limited": {
      const phases = v.phases.filter((p) => p.name.trim() || p.points.trim() || p.coupons.trim());
      if (phases.length === 0) errors["phases.0.name"] = "Add at least one phase.";
      phases.forEach((p, i) => {
        if (!p.name.trim()) errors[`phases.${i}.name`] = "Name this phase (shown on the patient's profile).";
        const count = positive(p.count, `phases.${i}.count`, errors, "the number of perfect surveys");
        const prize = prizeOf(p.points, p.coupons, errors, `phases.${i}.points`, `phases.${i}.coupons`);
        if (prize) clauses.push({ kind: "phase", name: p.name.trim(), count, prize, span });
      });
      rule = { kind: "milestone", program: "limited", name, nameSpan: span, span, clauses };
      break;
    }
  }
  if (Object.keys(errors).length > 0 || !rule) return { source: null, errors };
  return { source: formatRule(rule), errors };
}

/** Appends a rule to the editor's text with one blank line between rules. */
export function appendRule(source: string, rule: string): string {
  const trimmed = source.replace(/\s+$/, "");
  return trimmed ? `${trimmed}\n\n${rule}` : rule;
}

const pick = <T extends string>(value: FormDataEntryValue | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(String(value) as T) ? (String(value) as T) : fallback;

/** Reads the builder's fields (named `b_<field>`) from a form post, for the no-JavaScript path. */
export function builderValuesFrom(form: FormData): BuilderValues {
  const d = defaultBuilderValues();
  const s = (key: keyof BuilderValues) => String(form.get(`b_${key}`) ?? d[key] ?? "");
  const phaseNames = form.getAll("b_phase_name").map(String);
  const phases = phaseNames.map((name, i) => ({
    name,
    count: String(form.getAll("b_phase_count")[i] ?? ""),
    points: String(form.getAll("b_phase_points")[i] ?? ""),
    coupons: String(form.getAll("b_phase_coupons")[i] ?? ""),
  }));
  return {
    kind: pick(form.get("b_kind"), ["consumption", "action", "instant", "milestone_unlimited", "milestone_limited"], "consumption"),
    name: s("name"),
    condition: s("condition"),
    duringFrom: s("duringFrom"),
    duringTo: s("duringTo"),
    ratePoints: s("ratePoints"),
    perDollars: s("perDollars"),
    mode: pick(form.get("b_mode"), ["per_transaction", "total_spend"], "per_transaction"),
    minimum: s("minimum"),
    capPoints: s("capPoints"),
    capPer: pick(form.get("b_capPer"), ["invoice", "day", "week", "month", "year"], "day"),
    availableDays: s("availableDays"),
    items: pick(form.get("b_items"), ["eligible", "all", "codes"], "eligible"),
    codes: s("codes"),
    event: s("event"),
    points: s("points"),
    referrerPoints: s("referrerPoints"),
    coupons: s("coupons"),
    accumulate: pick(form.get("b_accumulate"), ["yes", "no", "better_choice"], "yes"),
    limit: pick(form.get("b_limit"), ["none", "once", "count"], "none"),
    limitCount: s("limitCount"),
    limitPer: pick(form.get("b_limitPer"), ["member", "day", "week", "month", "year"], "day"),
    prompt: s("prompt"),
    confirmation: s("confirmation"),
    windowAmount: s("windowAmount"),
    windowUnit: pick(form.get("b_windowUnit"), ["minute", "hour", "day"], "hour"),
    spendAtLeast: s("spendAtLeast"),
    pointsAtLeast: s("pointsAtLeast"),
    forAmount: s("forAmount"),
    forUnit: pick(form.get("b_forUnit"), ["minute", "hour", "day"], "hour"),
    every: s("every"),
    phases: phases.length > 0 ? phases : d.phases,
  };
}
