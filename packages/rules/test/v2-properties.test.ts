// Properties of SPEC 7 over random event streams (fast-check): balance = sum of every effect; lots
// never negative and consumed oldest first; a member's tier equals a recomputation from the trailing
// window; a cap is never exceeded in any period; replaying any prefix twice changes nothing. And
// bounds found by fuzzing: any rule set `check` accepts runs through `simulate` without throwing,
// with every amount an exact integer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  check,
  compile,
  type Effect,
  type EngineEvent,
  evaluate,
  expireDue,
  hasErrors,
  initialState,
  type Lot,
  localDate,
  simulate,
  weekStart,
} from "../src/index.ts";

const TZ = "America/Chicago";
const V2_RULES = `expire points 2 months after earning
tiers by spend over 1 month {
  tier "Member" from $0
  tier "Silver" from $100 multiplier 1.5
  tier "Gold" from $300 multiplier 2.25
}
earn "Spend" on invoice.paid { rate 1 point per $1 items all cap 150 points per day available after 3 days }
earn "Total" on invoice.paid { rate 1 point per $5 mode total_spend items all cap 40 points per week }
reward "Tuesday" on visit.checked_in when event.weekday = "tuesday" { award 7 points }
reward "Check-in" on visit.checked_in { award 10 points limit once per day }
reward "Friend" on referral.converted { award 25 points to referrer award 5 points }
reward "Follow" manual { award 15 points prompt "Handle?" }
milestone "Perfect" unlimited when member.tier != "Member" { every 2 perfect surveys award 20 points and coupon "x" for 1 month }
`;
const INACTIVE_RULES = V2_RULES.replace("expire points 2 months after earning", "expire points after 1 month without activity");
const program = compile(check(V2_RULES).ast, { timezone: TZ });

const members = ["m1", "m2", "m3"];
const member = fc.constantFrom(...members);
const amount = fc.integer({ min: 0, max: 30000 }).map((c) => (c / 100).toFixed(2));
let invoiceSeq = 0;
const payload = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant("invoice.paid"),
      member,
      invoice: fc.record({
        id: fc.constant("").map(() => `i${++invoiceSeq}`),
        lines: fc.array(fc.record({ code: fc.constantFrom("EXAM", "CLEAN"), amount }), { minLength: 1, maxLength: 2 }),
      }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("invoice.voided"),
      member,
      invoice: fc.record({ id: fc.nat({ max: 60 }).map((n) => `v${n}`) }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ type: fc.constant("visit.checked_in"), member, visit: fc.constant({ method: "card" }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("survey.submitted"),
      member,
      survey: fc.record({ answers: fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("referral.converted"),
      member,
      referral: fc.record({ referrer: member, campaign: fc.constant("x") }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constantFrom("action.completed", "action.approved"), member, action: fc.constant({ name: "Follow" }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("points.redeemed"),
      member,
      redemption: fc.record({ points: fc.integer({ min: 1, max: 40 }) }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("points.adjusted"),
      member,
      adjustment: fc.record({ points: fc.integer({ min: -60, max: 60 }) }),
    }),
  },
);

/** Events over about five months (hours apart, sometimes at the same instant); voids name earlier invoices of the member. */
const stream: fc.Arbitrary<EngineEvent[]> = fc
  .array(fc.tuple(payload, fc.integer({ min: 0, max: 24 * 150 }), fc.nat()), { minLength: 10, maxLength: 50 })
  .map((items) => {
    const sorted = [...items].sort((a, b) => a[1] - b[1]);
    const paid: Record<string, string[]> = {};
    const out: EngineEvent[] = [];
    sorted.forEach(([p, hour, pick], i) => {
      const e = { ...p, id: `e${i}`, at: new Date(Date.parse("2026-01-01T00:00:00Z") + hour * 3_600_000).toISOString() } as EngineEvent;
      if (e.type === "invoice.paid") {
        paid[e.member] ??= [];
        paid[e.member]!.push(e.invoice!.id);
      }
      if (e.type === "invoice.voided") {
        const list = paid[e.member] ?? [];
        e.invoice = { id: list.length ? list[pick % list.length]! : "none" };
      }
      out.push(e);
    });
    return out;
  });

const scenario = (rules: string, events: EngineEvent[], now?: string) => ({ rules, timezone: TZ, events, ...(now ? { now } : {}) });

function outputOf(rules: string, events: EngineEvent[], now?: string) {
  const out = simulate(scenario(rules, events, now));
  if ("errors" in out) throw new Error(JSON.stringify(out.errors));
  return out;
}

describe("SPEC 7 invariants", () => {
  it("the rule set used here is valid", () => {
    expect(check(V2_RULES).diagnostics).toEqual([]);
    expect(check(INACTIVE_RULES).diagnostics).toEqual([]);
  });

  it("a balance equals the sum of all its effects, expirations included", () => {
    let moved = 0;
    fc.assert(
      fc.property(stream, fc.constantFrom(V2_RULES, INACTIVE_RULES), (events, rules) => {
        const out = outputOf(rules, events, "2027-06-01T00:00:00Z");
        const sums: Record<string, number> = {};
        for (const list of [out.awards, out.reversals, out.redemptions, out.adjustments, out.expirations ?? []])
          for (const e of list) sums[e.member] = (sums[e.member] ?? 0) + e.points;
        for (const [m, balance] of Object.entries(out.balances)) expect(balance).toBe(sums[m] ?? 0);
        moved += (out.expirations ?? []).length;
      }),
      { numRuns: 120 },
    );
    expect(moved).toBeGreaterThan(20); // points really do expire in these streams
  });

  it("lots are never negative, stay in expiry order, and redemptions consume the oldest first", () => {
    let checked = 0;
    fc.assert(
      fc.property(stream, (events) => {
        const state = initialState();
        for (const e of events) {
          const at = Date.parse(e.at);
          for (const m of Object.keys(state.members)) expireDue(program, state.members[m]!, m, at, []);
          const before: Lot[] = structuredClone(state.members[e.member]?.lots ?? []);
          const out: Effect[] = [];
          applyEvent(program, state, e, out);
          const after = state.members[e.member]?.lots ?? [];
          for (const lots of Object.values(state.members).map((m) => m.lots ?? [])) {
            for (const l of lots) expect(l.left).toBeGreaterThan(0);
            for (let i = 1; i < lots.length; i++) {
              const [a, b] = [lots[i - 1]!, lots[i]!];
              expect(a.exp < b.exp || (a.exp === b.exp && a.at <= b.at)).toBe(true);
            }
          }
          const redeemed = out.find((x) => x.type === "redemption");
          if (redeemed && redeemed.type === "redemption") {
            checked++;
            // Independently: take the points from the oldest lots, one after the other.
            let rest = -redeemed.points;
            const want: Lot[] = [];
            for (const l of before) {
              const take = Math.min(rest, l.left);
              rest -= take;
              if (l.left - take > 0) want.push({ ...l, left: l.left - take });
            }
            expect(after).toEqual(want);
          }
        }
      }),
      { numRuns: 120 },
    );
    expect(checked).toBeGreaterThan(40);
  });

  it("a member's tier is the recomputation from the trailing window at every event", () => {
    fc.assert(
      fc.property(stream, (events) => {
        const state = initialState();
        const seen: EngineEvent[] = [];
        for (const e of events) {
          applyEvent(program, state, e, []);
          // Recompute: eligible totals of the member's invoices paid before this event, within
          // (at − 1 month, at], not voided before it.
          const at = Date.parse(e.at);
          const from = program.clock.addMonths(at, -1);
          const voided = new Set(seen.filter((x) => x.type === "invoice.voided" && x.member === e.member).map((x) => x.invoice!.id));
          let spend = 0;
          for (const x of seen) {
            if (x.type !== "invoice.paid" || x.member !== e.member || voided.has(x.invoice!.id)) continue;
            const t = Date.parse(x.at);
            if (t > from && t <= at) for (const l of x.invoice!.lines!) spend += Math.round(Number(l.amount) * 100);
          }
          const want = spend >= 30000 ? "Gold" : spend >= 10000 ? "Silver" : "Member";
          expect(state.members[e.member]!.tier).toBe(want);
          seen.push(e);
        }
      }),
      { numRuns: 120 },
    );
  });

  it("a cap is never exceeded in any period, net of reversals", () => {
    fc.assert(
      fc.property(stream, (events) => {
        const out = outputOf(V2_RULES, events);
        const atOf = new Map(events.map((e) => [e.id, e.at]));
        const period = (rule: string, event: string) => {
          const day = localDate(atOf.get(event)!, TZ);
          return rule === "Spend" ? `Spend|${day}` : `Total|${weekStart(day)}`;
        };
        const used: Record<string, number> = {};
        for (const a of out.awards)
          if (a.rule === "Spend" || a.rule === "Total")
            used[`${a.member}|${period(a.rule, a.event)}`] = (used[`${a.member}|${period(a.rule, a.event)}`] ?? 0) + a.points;
        for (const r of out.reversals)
          if (r.rule === "Spend" || r.rule === "Total") used[`${r.member}|${period(r.rule, r.reverses)}`]! += r.points;
        for (const [key, points] of Object.entries(used)) expect(points).toBeLessThanOrEqual(key.includes("|Spend|") ? 150 : 40);
      }),
      { numRuns: 120 },
    );
  });

  it("replaying any prefix of the events twice changes nothing", () => {
    fc.assert(
      fc.property(stream, fc.nat(), fc.constantFrom(V2_RULES, INACTIVE_RULES), (events, cut, rules) => {
        const prefix = events.slice(0, cut % (events.length + 1));
        const once = outputOf(rules, events);
        expect(outputOf(rules, [...prefix, ...prefix.map((e) => ({ ...e })), ...events.slice(prefix.length)])).toEqual(once);
        // And at the engine: applying the prefix again leaves the state and the effects as they were.
        const p = compile(check(rules).ast, { timezone: TZ });
        const state = initialState();
        for (const e of prefix) applyEvent(p, state, e, []);
        const snapshot = JSON.stringify(state);
        const again: Effect[] = [];
        for (const e of prefix) applyEvent(p, state, e, again);
        expect(again).toEqual([]);
        expect(JSON.stringify(state)).toBe(snapshot);
      }),
      { numRuns: 100 },
    );
  });

  it("evaluate stays pure and agrees with the in-place core under expiry and tiers; the state is plain JSON", () => {
    fc.assert(
      fc.property(stream, (events) => {
        let pure = initialState();
        const inPlace = initialState();
        for (const e of events) {
          const snapshot = JSON.stringify(pure);
          const r = evaluate(program, pure, e);
          expect(JSON.stringify(pure)).toBe(snapshot);
          const out: Effect[] = [];
          applyEvent(program, inPlace, e, out);
          expect(r.effects).toEqual(out);
          pure = r.state;
        }
        expect(JSON.parse(JSON.stringify(pure))).toEqual(inPlace);
      }),
      { numRuns: 60 },
    );
  });

  it("a redemption never uses points not yet available, nor makes a balance negative", () => {
    let redemptions = 0;
    fc.assert(
      fc.property(stream, (events) => {
        const state = initialState();
        const locked: { event: string; rule: string; until: number; points: number }[] = [];
        for (const e of events) {
          const out: Effect[] = [];
          applyEvent(program, state, e, out);
          const at = Date.parse(e.at);
          const balance =
            (state.members[e.member]?.balance ?? 0) -
            out.filter((x) => x.type === "redemption").reduce((s, x) => s + (x as { points: number }).points, 0);
          for (const x of out) {
            if (x.type === "award" && x.available)
              locked.push({ event: x.event, rule: x.rule, until: Date.parse(x.available), points: x.points });
            if (x.type === "reversal") {
              const l = locked.find((y) => y.event === x.reverses && y.rule === x.rule);
              if (l) l.points = Math.max(0, l.points + x.points);
            }
            if (x.type === "redemption") {
              redemptions++;
              const notYet = locked
                .filter((y) => y.until > at && events.find((v) => v.id === y.event)?.member === e.member)
                .reduce((s, y) => s + y.points, 0);
              expect(-x.points).toBeLessThanOrEqual(balance - notYet);
              expect(state.members[e.member]!.balance).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      { numRuns: 80 },
    );
    expect(redemptions).toBeGreaterThan(25);
  });
});

// ---------------------------------------------------------------------------------------------
// Any rule set `check` accepts runs through `simulate` without throwing (bounds found by fuzzing).

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
const durationText = fc.oneof(
  fc.integer({ min: 1, max: 5_259_600 }).map((n) => `${n} minutes`),
  fc.integer({ min: 1, max: 87_660 }).map((n) => `${n} hours`),
  fc.integer({ min: 1, max: 3_652 }).map((n) => `${n} days`),
  fc.integer({ min: 1, max: 521 }).map((n) => `${n} weeks`),
  fc.integer({ min: 1, max: 120 }).map((n) => `${n} months`),
);
const moneyText = fc.oneof(
  pick("$0.01", "$1", "$10", "$100,000,000"),
  fc.integer({ min: 1, max: 10_000_000_000 }).map((c) => `$${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`),
);
const condition = pick(
  'event.weekday = "tuesday"',
  "event.hour >= 12",
  "event.month = member.birth_month",
  'member.tier = "Gold"',
  'not (member.tier in ["A", "B"])',
  "member.points > 1000000",
  "member.lifetime_spend >= $100,000,000",
);
const earnRule = fc
  .record({
    rate: fc.integer({ min: 1, max: 10_000 }),
    per: moneyText,
    mode: pick("", "mode total_spend", "mode per_transaction"),
    items: pick("", "items all", 'items ["A"]'),
    cap: fc.option(fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), pick("invoice", "day", "week", "month", "year")), { nil: null }),
    available: fc.option(durationText, { nil: null }),
    when: fc.option(condition, { nil: null }),
  })
  .map(
    (r) =>
      `earn "E${r.rate}" on invoice.paid${r.when ? ` when ${r.when}` : ""} { rate ${r.rate} points per ${r.per} ${r.mode} ${r.items}${r.cap ? ` cap ${r.cap[0]} points per ${r.cap[1]}` : ""}${r.available ? ` available after ${r.available}` : ""} }`,
  );
const rewardRule = fc
  .record({
    event: pick("visit.checked_in", "invoice.paid", "referral.converted", "survey.submitted"),
    points: fc.integer({ min: 0, max: 1_000_000 }),
    couponFor: fc.option(durationText, { nil: null }),
    limit: pick("", "limit once per day", "limit 1000000000 per member"),
    during: pick("", "during every year 12-15 to 01-05", "during 2026-01-01 to 2030-12-31"),
    when: fc.option(condition, { nil: null }),
  })
  .map(
    (r) =>
      `reward "R${r.points}${r.event}" on ${r.event}${r.when ? ` when ${r.when}` : ""} { award ${r.points} points and coupon "c"${r.couponFor ? ` for ${r.couponFor}` : ""} ${r.limit} ${r.during} }`,
  );
const otherRule = pick(
  'instant "I" { window 120 months when visit.spend >= $1 unlock coupon "x" for 3652 days }',
  'milestone "M" unlimited when member.tier != "" { every 1 perfect surveys award 1000000 points and coupon "m" for 120 months }',
  'reward "Manual" manual { award 1000000 points prompt "?" }',
);
const declarations = fc.record({
  expire: fc.option(
    fc.oneof(
      fc.integer({ min: 1, max: 120 }).map((n) => `expire points ${n} months after earning`),
      fc.integer({ min: 1, max: 120 }).map((n) => `expire points after ${n} months without activity`),
    ),
    { nil: null },
  ),
  tiers: fc.option(
    fc
      .tuple(pick("spend", "points", "visits"), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 100, max: 1000 }))
      .map(
        ([by, months, h]) =>
          `tiers by ${by} over ${months} months { tier "A" from ${by === "spend" ? "$0" : "0"} tier "Gold" from ${by === "spend" ? "$100,000,000" : "1000000000"} multiplier ${(h / 100).toFixed(2)} }`,
      ),
    { nil: null },
  ),
});
const anyRuleSet = fc
  .tuple(declarations, fc.array(earnRule, { maxLength: 3 }), fc.array(rewardRule, { maxLength: 3 }), fc.array(otherRule, { maxLength: 2 }))
  .map(([d, earns, rewards, others]) => {
    const named = [...earns, ...rewards, ...new Set(others)].map((r, i) => r.replace(/^(\w+) "([^"]*)"/, `$1 "$2 ${i}"`));
    return [d.expire, d.tiers, ...named].filter((x) => x !== null).join("\n");
  });
const extremeAmount = fc.oneof(
  pick("0.00", "0.01", "9,999,999.99", "10,000,000.00", "10,000,000.01", "99,999,999,999.99", "-10,000,000.00"),
  fc.integer({ min: 0, max: 1_000_000_000 }).map((c) => (c / 100).toFixed(2)),
);
const extremeEvent = fc.oneof(
  fc.record({
    type: fc.constant("invoice.paid"),
    member,
    invoice: fc.record({
      id: fc.nat({ max: 20 }).map((n) => `i${n}`),
      lines: fc.array(fc.record({ code: pick("A", "B"), amount: extremeAmount }), { maxLength: 3 }),
    }),
  }),
  fc.record({ type: fc.constant("invoice.voided"), member, invoice: fc.record({ id: fc.nat({ max: 20 }).map((n) => `i${n}`) }) }),
  fc.record({ type: fc.constant("visit.checked_in"), member, visit: fc.constant({ method: "card" }) }),
  fc.record({ type: fc.constant("survey.submitted"), member, survey: fc.constant({ answers: [true] }) }),
  fc.record({ type: fc.constant("referral.converted"), member, referral: fc.record({ referrer: member }) }),
  fc.record({ type: fc.constantFrom("action.completed", "action.approved"), member, action: fc.constant({ name: "Manual" }) }),
  fc.record({
    type: fc.constant("points.redeemed"),
    member,
    redemption: fc.record({ points: fc.oneof(fc.integer({ min: 1, max: 1000 }), pick(Number.MAX_SAFE_INTEGER)) }),
  }),
  fc.record({
    type: fc.constant("points.adjusted"),
    member,
    adjustment: fc.record({
      points: fc.oneof(fc.integer({ min: -1000, max: 1000 }), pick(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52)),
    }),
  }),
);
const extremeStream = fc
  .array(
    fc.tuple(extremeEvent, fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("9989-12-31T00:00:00Z"), noInvalidDate: true })),
    { maxLength: 25 },
  )
  .map((items) => items.map(([p, d], i) => ({ ...p, id: `e${i}`, at: d.toISOString() }) as EngineEvent));

describe("bounds: a rule set check accepts never makes simulate throw", () => {
  it("generated valid rule sets over extreme events: no exception, every amount an exact integer", () => {
    let ran = 0;
    fc.assert(
      fc.property(
        anyRuleSet,
        extremeStream,
        pick("UTC", "America/Chicago", "Pacific/Kiritimati", "Australia/Lord_Howe"),
        fc.option(pick("9999-12-31T23:59:59Z", "2030-01-01T00:00:00Z"), { nil: undefined }),
        (rules, events, timezone, now) => {
          const checked = check(rules);
          if (hasErrors(checked.diagnostics))
            throw new Error(`generated rules should be valid:\n${rules}\n${JSON.stringify(checked.diagnostics)}`);
          const out = simulate({ rules, timezone, events, ...(now ? { now } : {}) });
          expect("errors" in out).toBe(false);
          if ("errors" in out) return;
          for (const list of [out.awards, out.reversals, out.redemptions, out.adjustments, out.expirations ?? []])
            for (const e of list) expect(Number.isSafeInteger(e.points)).toBe(true);
          for (const b of Object.values(out.balances)) expect(Number.isSafeInteger(b)).toBe(true);
          for (const c of out.coupons) if (c.expires !== null) expect(Number.isNaN(Date.parse(c.expires))).toBe(false);
          ran++;
        },
      ),
      { numRuns: 250 },
    );
    expect(ran).toBe(250);
  });
});
