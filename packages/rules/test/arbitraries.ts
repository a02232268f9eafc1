// fast-check generators: rule-set ASTs (for the formatter and the fuzz tests) and event
// streams (for the engine properties).
import fc from "fast-check";
import type { Clause, Declaration, Duration, EngineEvent, Expr, Prize, Rule, RuleSet, Span } from "../src/index.ts";
import { writableEvents } from "../src/index.ts";

const span: Span = { line: 1, column: 1, endLine: 1, endColumn: 1 };

const text = fc.string({
  maxLength: 12,
  unit: fc.oneof(
    fc.constantFrom("a", "b", " ", '"', "\\", "\n", "\t", "é", "#", "{", "}"),
    fc.string({ minLength: 1, maxLength: 1, unit: "binary" }),
  ),
});
const name = fc.oneof(fc.constantFrom("Spend", "First visit", "Big visit"), text);
const nat = fc.nat({ max: 100000 });
const cents = fc.nat({ max: 100_000_000 });
const date = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const duration: fc.Arbitrary<Duration> = fc.record({
  amount: nat,
  unit: fc.constantFrom("minute", "hour", "day", "week", "month" as const),
  span: fc.constant(span),
});
const coupon = fc.record({ name: text, span: fc.constant(span) });
/** An award's coupon may carry its own lifetime (SPEC 7). */
const prizeCoupon = fc.oneof(coupon, fc.record({ name: text, span: fc.constant(span), for: duration }));
const prize: fc.Arbitrary<Prize> = fc.oneof(
  fc.record({ points: nat, coupons: fc.array(prizeCoupon, { maxLength: 2 }), span: fc.constant(span) }),
  fc.record({ points: fc.constant(null), coupons: fc.array(prizeCoupon, { minLength: 1, maxLength: 2 }), span: fc.constant(span) }),
);
const monthDay = fc
  .date({ min: new Date("2024-01-01T00:00:00Z"), max: new Date("2024-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(5, 10));
const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/).filter((s) => !KEYWORDS.has(s));
const KEYWORDS = new Set(
  "earn reward instant milestone on when manual rate point points per mode per_transaction total_spend minimum items eligible all award to member referrer accumulate yes no better_choice limit once week weeks month months year prompt confirmation during window unlock coupon for unlimited limited every perfect surveys phase after minute minutes hour hours day days and or not in has tag true false expire earning without tiers tier by spend visits over from multiplier cap available".split(
    " ",
  ),
);
const path = fc.oneof(
  fc.constantFrom(
    "invoice.total",
    "member.points",
    "survey.perfect",
    "visit.points",
    "member.tags",
    "consent.full",
    "invoice.codes",
    "member",
  ),
  fc
    .tuple(identifier, fc.array(fc.oneof(identifier, fc.constantFrom("perfect", "points", "day", "tag")), { maxLength: 2 }))
    .map(([h, t]) => [h, ...t].join(".")),
);

export const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({
      kind: fc.constant("number" as const),
      value: fc.oneof(
        nat,
        fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 100),
      ),
      span: fc.constant(span),
    }),
    fc.record({ kind: fc.constant("money" as const), cents, span: fc.constant(span) }),
    fc.record({ kind: fc.constant("string" as const), value: text, span: fc.constant(span) }),
    fc.record({ kind: fc.constant("bool" as const), value: fc.boolean(), span: fc.constant(span) }),
    fc.record({ kind: fc.constant("path" as const), path, span: fc.constant(span) }),
    fc.record({ kind: fc.constant("list" as const), items: fc.array(tie("e"), { maxLength: 3 }), span: fc.constant(span) }),
    fc.record({ kind: fc.constant("not" as const), operand: tie("e"), span: fc.constant(span) }),
    fc.record({ kind: fc.constant("hasTag" as const), subject: tie("e"), tag: text, span: fc.constant(span) }),
    fc.record({
      kind: fc.constant("binary" as const),
      op: fc.constantFrom("or", "and", "=", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/" as const),
      left: tie("e"),
      right: tie("e"),
      span: fc.constant(span),
    }),
  ),
})).e;

const clause: fc.Arbitrary<Clause> = fc.oneof(
  fc.record({ kind: fc.constant("rate" as const), points: nat, perCents: cents, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant("mode" as const),
    mode: fc.constantFrom("per_transaction", "total_spend" as const),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant("minimum" as const), cents, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant("items" as const),
    items: fc.oneof(fc.constantFrom("eligible", "all" as const), fc.array(text, { maxLength: 3 })),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant("during" as const), from: date, to: date, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant("during" as const),
    from: monthDay,
    to: monthDay,
    yearly: fc.constant(true as const),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant("cap" as const),
    points: nat,
    per: fc.constantFrom("invoice", "day", "week", "month", "year" as const),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant("available" as const), after: duration, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant("award" as const),
    prize,
    to: fc.constantFrom(null, "member", "referrer" as const),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant("accumulate" as const),
    mode: fc.constantFrom("yes", "no", "better_choice" as const),
    span: fc.constant(span),
  }),
  fc.record({
    kind: fc.constant("limit" as const),
    count: nat,
    per: fc.constantFrom("member", "day", "week", "month", "year" as const),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant("prompt" as const), text, span: fc.constant(span) }),
  fc.record({ kind: fc.constant("confirmation" as const), text, span: fc.constant(span) }),
  fc.record({ kind: fc.constant("window" as const), duration, span: fc.constant(span) }),
  fc.record({ kind: fc.constant("when" as const), expr, span: fc.constant(span) }),
  fc.record({
    kind: fc.constant("unlock" as const),
    coupons: fc.array(coupon, { minLength: 1, maxLength: 3 }),
    for: fc.option(duration, { nil: null }),
    span: fc.constant(span),
  }),
  fc.record({ kind: fc.constant("every" as const), count: nat, prize, span: fc.constant(span) }),
  fc.record({ kind: fc.constant("phase" as const), name: text, count: nat, prize, span: fc.constant(span) }),
);

const eventRef = fc.record({
  name: fc.oneof(fc.constantFrom(...writableEvents), fc.constantFrom("points.redeemed", "nope.thing")),
  span: fc.constant(span),
});
const clauses = fc.array(clause, { maxLength: 5 });
const common = { name, nameSpan: fc.constant(span), span: fc.constant(span), clauses };

export const rule: fc.Arbitrary<Rule> = fc.oneof(
  fc.record({ kind: fc.constant("earn" as const), ...common, event: eventRef, when: fc.option(expr, { nil: null }) }),
  fc.record({ kind: fc.constant("reward" as const), ...common, event: eventRef, when: fc.option(expr, { nil: null }) }),
  fc.record({ kind: fc.constant("reward" as const), ...common, event: fc.constant(null), when: fc.constant(null) }),
  fc.record({ kind: fc.constant("instant" as const), ...common }),
  fc.record({ kind: fc.constant("milestone" as const), ...common, program: fc.constantFrom("unlimited", "limited" as const) }),
  fc
    .record({ kind: fc.constant("milestone" as const), ...common, program: fc.constantFrom("unlimited", "limited" as const), when: expr })
    .map((r) => r as Rule),
);

const multiplier = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 100, max: 1000 }).map((h) => (h % 100 === 0 ? String(h / 100) : (h / 100).toFixed(2))),
);
const declaration: fc.Arbitrary<Declaration> = fc.oneof(
  fc.record({
    kind: fc.constant("expire" as const),
    mode: fc.constantFrom("after_earning", "inactivity" as const),
    months: nat,
    span: fc.constant(span),
  }),
  fc.constantFrom("spend", "points", "visits" as const).chain((by) =>
    fc.record({
      kind: fc.constant("tiers" as const),
      by: fc.constant(by),
      months: nat,
      tiers: fc.array(
        fc.record({
          name: text,
          from: by === "spend" ? cents : nat,
          money: fc.constant(by === "spend"),
          multiplier,
          span: fc.constant(span),
        }),
        { maxLength: 4 },
      ),
      span: fc.constant(span),
    }),
  ),
);

export const ruleSet: fc.Arbitrary<RuleSet> = fc.oneof(
  fc.record({ rules: fc.array(rule, { maxLength: 4 }) }),
  fc.record({ rules: fc.array(rule, { maxLength: 4 }), declarations: fc.array(declaration, { minLength: 1, maxLength: 2 }) }),
);

// ---------------------------------------------------------------------------------------------
// Events

export const RICH_RULES = `earn "Spend" on invoice.paid { rate 1 point per $10 minimum $5 }
earn "Total" on invoice.paid { rate 1 point per $20 mode total_spend items all }
reward "First visit" on invoice.paid when member.paid_invoices = 1 { award 30 points accumulate better_choice }
reward "Big" on invoice.paid when invoice.total >= $200 { award 5 points accumulate no limit 2 per month }
reward "Check-in" on visit.checked_in { award 10 points limit once per day }
reward "Holiday" on visit.checked_in when member has tag "vip" or member.lifetime_spend > $100 { award 2 points during 2026-03-10 to 2026-03-20 }
reward "Friend" on referral.converted { award 25 points to referrer award 5 points }
reward "Follow" manual { award 15 points prompt "Handle?" limit 2 per member }
instant "Visit" { window 3 hours when visit.spend >= $150 or visit.points >= 40 unlock coupon "ten-off" for 2 days }
milestone "Perfect" unlimited { every 2 perfect surveys award 20 points }
milestone "Phases" limited { phase "A" after 1 perfect surveys award 3 points phase "B" after 2 perfect surveys award coupon "ten-off" }
`;

const members = ["m1", "m2", "m3"];
const member = fc.constantFrom(...members);
const amount = fc.integer({ min: 0, max: 40000 }).map((c) => (c / 100).toFixed(2));

/** One event's payload; `id` and `at` are filled in by `eventStream`. */
const payload: fc.Arbitrary<Omit<EngineEvent, "id" | "at">> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant("invoice.paid"),
      member,
      invoice: fc.record({
        id: fc.constantFrom("i1", "i2", "i3", "i4", "i5", "i6"),
        lines: fc.array(fc.record({ code: fc.constantFrom("EXAM", "CLEAN", "EUTH"), amount }), { minLength: 1, maxLength: 3 }),
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("invoice.voided"),
      member,
      invoice: fc.record({ id: fc.constantFrom("i1", "i2", "i3", "i4") }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant("visit.checked_in"), member, visit: fc.record({ method: fc.constantFrom("card", "qr") }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("survey.submitted"),
      member,
      survey: fc.record({ answers: fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("referral.converted"),
      member,
      referral: fc.record({ referrer: member, campaign: fc.constant("spring") }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom("action.completed", "action.approved", "action.rejected"),
      member,
      action: fc.record({ name: fc.constant("Follow") }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("points.redeemed"),
      member,
      redemption: fc.record({ points: fc.integer({ min: 1, max: 80 }) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("points.adjusted"),
      member,
      adjustment: fc.record({ points: fc.integer({ min: -30, max: 30 }) }),
    }),
  },
);

/** Events with distinct, increasing times (a minute grid over a few weeks) and unique ids. */
export const eventStream: fc.Arbitrary<EngineEvent[]> = fc
  .array(fc.tuple(payload, fc.integer({ min: 0, max: 60 * 24 * 40 })), { maxLength: 40 })
  .map((items) => {
    const used = new Set<number>();
    const out: EngineEvent[] = [];
    items.forEach(([p, minute], i) => {
      while (used.has(minute)) minute++;
      used.add(minute);
      out.push({ ...p, id: `e${i}`, at: new Date(Date.parse("2026-03-01T00:00:00Z") + minute * 60_000).toISOString() } as EngineEvent);
    });
    return out;
  });
