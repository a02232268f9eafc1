// Rules language v2 (SPEC 7): each construct's meaning, its bounds and its diagnostics.
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  check,
  compile,
  type Effect,
  expireDue,
  format,
  initialMemberState,
  initialState,
  mergeMemberStates,
  parse,
  pointsDueToExpire,
  simulate,
  stripPositions,
  tierStatus,
  upcomingExpirations,
} from "../src/index.ts";
import { awards, ev, invoice, run } from "./helpers.ts";

const errors = (src: string) =>
  check(src)
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => ({ line: d.line, column: d.column, code: d.code, message: d.message, hint: d.hint }));
const visit = (member: string, at: string, id?: string) => ev("visit.checked_in", member, at, { visit: { method: "card" } }, id);
const redeem = (member: string, at: string, points: number, id?: string) =>
  ev("points.redeemed", member, at, { redemption: { points } }, id);
const adjust = (member: string, at: string, points: number, id?: string) =>
  ev("points.adjusted", member, at, { adjustment: { points } }, id);

describe("syntax: every v2 construct parses, formats and round-trips", () => {
  const src = `expire points 12 months after earning
tiers by spend over 12 months {
  tier "Member" from $0
  tier "Gold" from $1,000 multiplier 1.25
  tier "Platinum" from $2,500 multiplier 1.5
}
earn "Spend points" on invoice.paid {
  rate 1 point per $10
  cap 500 points per day
  available after 14 days
}
reward "Birthday month visit" on visit.checked_in when event.month = member.birth_month {
  award 50 points and coupon "birthday-treat" for 30 days
  limit once per year
}
reward "Tuesday double" on invoice.paid when event.weekday = "tuesday" and member.tier = "Gold" {
  award 25 points
}
reward "Holiday season" on visit.checked_in {
  award 20 points
  during every year 12-15 to 01-05
}
milestone "Braces journey" limited when member has tag "braces" {
  phase "Bracket Buddy" after 5 perfect surveys award 200 points
}
instant "Quick" {
  window 2 weeks
  when visit.spend >= $300 and event.hour < 12
  unlock coupon "ten-off" for 1 month
}
`;
  it("the SPEC 7 example checks clean", () => {
    expect(check(src).diagnostics).toEqual([]);
  });
  it("format(parse(x)) parses back to the same tree", () => {
    const ast = parse(src).ast;
    expect(ast.declarations?.map((d) => d.kind)).toEqual(["expire", "tiers"]);
    const again = parse(format(ast));
    expect(again.diagnostics).toEqual([]);
    expect(stripPositions(again.ast)).toEqual(stripPositions(ast));
    expect(format(ast)).toContain('award 50 points and coupon "birthday-treat" for 30 days');
    expect(format(ast)).toContain("during every year 12-15 to 01-05");
  });
  it("the inactivity form and singular units", () => {
    const ast = parse("expire points after 18 months without activity").ast;
    expect(stripPositions(ast.declarations)).toEqual([{ kind: "expire", mode: "inactivity", months: 18 }]);
    expect(errors('earn "S" on invoice.paid { rate 1 point per $1 available after 1 week cap 1 point per week }')).toEqual([]);
  });
  it("a v1 rule set means what it meant: no declarations key, same tree", () => {
    expect(Object.keys(parse('earn "S" on invoice.paid { rate 1 point per $10 }').ast)).toEqual(["rules"]);
  });
});

describe("checker: bounds are errors with a position and a hint, never a crash", () => {
  const cases: [string, string, number, number, RegExp][] = [
    ["award too large", 'reward "R" on visit.checked_in {\n  award 3000000000 points\n}', 2, 9, /too large/],
    ["rate too large", 'earn "S" on invoice.paid {\n  rate 2147483647 points per $0.01\n}', 2, 3, /too large/],
    [
      "unlock for 100,000,000 days",
      'instant "I" {\n  window 4 hours\n  when visit.spend >= $1\n  unlock coupon "x" for 100000000 days\n}',
      4,
      25,
      /10 years/,
    ],
    ["coupon lifetime", 'reward "R" on visit.checked_in {\n  award coupon "x" for 121 months\n}', 2, 24, /10 years/],
    ["available after", 'earn "S" on invoice.paid {\n  rate 1 point per $1\n  available after 522 weeks\n}', 3, 19, /10 years/],
    ["cap", 'earn "S" on invoice.paid {\n  rate 1 point per $1\n  cap 10000001 points per day\n}', 3, 3, /cap/],
    ["money literal", 'reward "R" on invoice.paid when invoice.total > $100,000,000.01 {\n  award 1 point\n}', 1, 49, /amount/],
    ["limit count", 'reward "R" on visit.checked_in {\n  award 1 point\n  limit 1000000001 per day\n}', 3, 3, /limit/],
    ["expire months", "expire points 121 months after earning", 1, 1, /months/],
    ["tier threshold", 'tiers by spend over 12 months {\n  tier "A" from $0\n  tier "B" from $100,000,001\n}', 3, 3, /threshold/],
    ["multiplier", 'tiers by points over 12 months {\n  tier "A" from 0 multiplier 10.01\n}', 2, 3, /multiplier/],
  ];
  for (const [name, src, line, column, message] of cases) {
    it(name, () => {
      const e = errors(src);
      expect(e).toHaveLength(1);
      expect(e[0]).toMatchObject({ line, column, code: "OUT_OF_RANGE" });
      expect(e[0]!.message).toMatch(message);
      expect(e[0]!.hint).toBeTruthy();
    });
  }
  it("the largest values inside the bounds are accepted", () => {
    const src = `tiers by spend over 120 months { tier "A" from $0 tier "B" from $100,000,000 multiplier 10 }
earn "S" on invoice.paid { rate 10000 points per $0.01 cap 10000000 points per year available after 3652 days }
reward "R" on visit.checked_in { award 1000000 points and coupon "x" for 120 months limit 1000000000 per member }`;
    expect(errors(src)).toEqual([]);
  });
  it("tiers: the first from 0, strictly increasing, money only by spend, at most one expire and one tiers", () => {
    const codes = (src: string) => errors(src).map((e) => `${e.line}:${e.code}`);
    expect(codes('tiers by spend over 12 months {\n  tier "A" from $5\n}')).toEqual(["2:INVALID_TIERS"]);
    expect(codes('tiers by spend over 12 months {\n  tier "A" from $0\n  tier "B" from $0\n}')).toEqual(["3:INVALID_TIERS"]);
    expect(codes('tiers by visits over 12 months {\n  tier "A" from $0\n}')).toEqual(["2:MONEY_NUMBER_MIX"]);
    expect(codes("expire points 1 month after earning\nexpire points 2 months after earning")).toEqual(["2:DUPLICATE_DECLARATION"]);
    expect(codes("tiers by spend over 12 months {\n}")).toEqual(["1:INVALID_TIERS"]);
  });
  it("cap and available belong to earn rules; an instant rule keeps its one for", () => {
    expect(errors('reward "R" on visit.checked_in { award 1 point cap 5 points per day }')[0]?.code).toBe("CLAUSE_NOT_ALLOWED");
    expect(errors('instant "I" { window 1 hour when visit.spend >= $1 unlock coupon "a" for 1 day }')).toEqual([]);
  });
  it("during every year needs real month-days", () => {
    expect(errors('reward "R" on visit.checked_in { award 1 point during every year 02-29 to 13-01 }')).toMatchObject([
      { code: "INVALID_DATE", message: "13-01 is not a month and day" },
    ]);
  });
});

describe("diagnostics: did you mean, and the empty rule set", () => {
  const first = (src: string) => check(src).diagnostics[0]!;
  it.each([
    ['rewrd "S" on visit.checked_in { award 5 points }', "did you mean reward?"],
    ['earn "S" on invoice.paid { rat 1 point per $10 }', "did you mean rate?"],
    ['earn "S" on invoice.paid { rate 1 point per $10 }\nrewrad "B" on visit.checked_in { award 1 point }', "did you mean reward?"],
    ['reward "S" on visit.checked_in { award 5 points limit once per mnth }', "did you mean month?"],
    ["expire points 12 months after earnin", "did you mean earning?"],
    ['earn "S" on invoice.paid { rate 1 point per $10 cap 5 points per invoce }', "did you mean invoice?"],
    ['tiers by spnd over 12 months { tier "A" from $0 }', "did you mean spend?"],
    ['reward "S" on visit.checked_in whn member.tier = "Gold" { award 5 points }', "did you mean when?"],
    ["expire pionts 12 months after earning", "did you mean points?"],
    ['earn "S" on invoice.paid { rate 1 point per $10 availble after 14 days }', "did you mean available?"],
    ['earn "S" on invoice.paid { rate 1 point per $10 mode total_spnd }', "did you mean total_spend?"],
  ])("%s", (src, hint) => {
    expect(first(src).message).toContain(hint);
  });
  it("no suggestion for a word far from every keyword", () => {
    expect(first('earn "S" on invoice.paid { zzzzzz 1 point per $10 }').message).not.toContain("did you mean");
  });
  it("a tier name the rule set does not declare is a warning with the closest name", () => {
    const src =
      'tiers by visits over 12 months { tier "Member" from 0 tier "Gold" from 5 }\nreward "T" on visit.checked_in when member.tier = "Gld" { award 1 point }';
    expect(check(src).diagnostics).toMatchObject([
      { severity: "warning", line: 2, message: 'there is no tier named "Gld"; did you mean "Gold"?' },
    ]);
    expect(check('reward "T" on visit.checked_in when member.tier = "Gold" { award 1 point }').diagnostics[0]?.message).toMatch(/no tiers/);
  });
  it("an empty rule set is a warning, not an error", () => {
    for (const src of ["", "  \n", "# only a comment\n"]) {
      const d = check(src).diagnostics;
      expect(d).toMatchObject([{ severity: "warning", code: "EMPTY_RULE_SET", line: 1, column: 1 }]);
    }
    expect(simulate({ rules: "", events: [] })).toMatchObject({ awards: [], balances: {} });
  });
});

describe("calendar fields and yearly dates", () => {
  it("event.weekday/hour/day/month are local to the practice", () => {
    // 2026-03-03T04:30Z is Monday 2026-03-02 22:30 in Chicago.
    const rules = `reward "Mon" on visit.checked_in when event.weekday = "monday" and event.hour = 22 and event.day = 2 and event.month = 3 { award 1 point }`;
    expect(run(rules, [visit("m1", "2026-03-03T04:30:00Z")], { timezone: "America/Chicago" }).balances.m1).toBe(1);
    expect(run(rules, [visit("m1", "2026-03-03T04:30:00Z")]).balances.m1).toBe(0);
  });
  it("member.birth_month is absent without a birthday: every comparison is false, its negation true", () => {
    const rules = `reward "Eq" on visit.checked_in when member.birth_month = 3 { award 1 point }
reward "Ne" on visit.checked_in when member.birth_month != 3 { award 10 points }
reward "Not" on visit.checked_in when not (member.birth_month in [1, 2, 3]) { award 100 points }`;
    const members = [
      { id: "b", birthday: "1990-03-20" },
      { id: "c", birthday: "1990-07-01" },
    ];
    const out = run(rules, [visit("a", "2026-03-05T12:00:00Z"), visit("b", "2026-03-05T12:00:00Z"), visit("c", "2026-03-05T12:00:00Z")], {
      members,
    });
    expect(out.balances).toEqual({ b: 1, c: 110, a: 100 });
  });
  it("during every year: inclusive, wrapping the new year, any year", () => {
    const rules = 'reward "H" on visit.checked_in { award 1 point during every year 12-30 to 01-02 }';
    const days = ["2026-12-29", "2026-12-30", "2027-01-02", "2027-01-03", "2031-12-31"];
    const out = run(
      rules,
      days.map((d, i) => visit("m1", `${d}T12:00:00Z`, `v${i}`)),
    );
    expect(out.awards.map((a) => a.event)).toEqual(["v1", "v2", "v4"]);
  });
});

describe("coupon lifetimes and durations", () => {
  it("a reward's coupon expires at the event + its for; months are calendar months, clamped", () => {
    const rules = `reward "R" on visit.checked_in { award coupon "a" for 1 month and coupon "b" for 2 weeks and coupon "c" }`;
    const out = run(rules, [visit("m1", "2026-01-31T15:00:00Z")]);
    expect(out.coupons.map((c) => [c.coupon, c.expires])).toEqual([
      ["a", "2026-02-28T15:00:00.000Z"],
      ["b", "2026-02-14T15:00:00.000Z"],
      ["c", null],
    ]);
  });
  it("a milestone's and a manual reward's coupons carry their lifetime too", () => {
    const rules = `milestone "M" unlimited { every 1 perfect surveys award coupon "m" for 3 days }
reward "Follow" manual { award coupon "f" for 1 day prompt "Handle?" }`;
    const out = run(rules, [
      ev("survey.submitted", "m1", "2026-05-01T10:00:00Z", { survey: { answers: [true] } }),
      ev("action.completed", "m1", "2026-05-01T11:00:00Z", { action: { name: "Follow" } }),
      ev("action.approved", "m1", "2026-05-02T09:00:00Z", { action: { name: "Follow" } }),
    ]);
    expect(out.coupons.map((c) => c.expires)).toEqual(["2026-05-04T10:00:00.000Z", "2026-05-03T09:00:00.000Z"]);
  });
  it("an instant window in weeks", () => {
    const rules = 'instant "I" { window 1 week when visit.spend >= $10 unlock coupon "x" for 1 day }';
    const out = run(rules, [visit("m1", "2026-05-01T10:00:00Z"), invoice("m1", "2026-05-08T09:59:00Z", "10.00")]);
    expect(out.coupons).toHaveLength(1);
  });
});

describe("milestone when", () => {
  it("a perfect survey counts only when the milestone's when holds", () => {
    const rules = 'milestone "Braces" unlimited when member has tag "braces" { every 2 perfect surveys award 10 points }';
    const s = (m: string, h: number) => ev("survey.submitted", m, `2026-05-0${h}T10:00:00Z`, { survey: { answers: [true] } });
    const out = run(rules, [s("a", 1), s("a", 2), s("b", 1), s("b", 2)], { members: [{ id: "a", tags: ["braces"] }] });
    expect(out.balances).toEqual({ a: 10, b: 0 });
  });
});

describe("tiers, multipliers and caps", () => {
  it("the multiplier is exact decimal arithmetic (1.15 × 20 = 23, not 22)", () => {
    const rules = `tiers by visits over 12 months { tier "A" from 0 multiplier 1.15 }
earn "S" on invoice.paid { rate 1 point per $1 }`;
    const out = run(rules, [invoice("m1", "2026-05-01T10:00:00Z", "20.00")]);
    expect(awards(out)).toEqual(["m1:S:23"]);
    expect(out.tiers).toEqual([{ event: out.awards[0]!.event, member: "m1", tier: "A", from: null }]);
  });
  it("by visits: local days with a check-in in the trailing window, this one not counted", () => {
    const rules = `tiers by visits over 1 month { tier "New" from 0 tier "Regular" from 2 }
reward "V" on visit.checked_in when member.tier = "Regular" { award 1 point }`;
    const out = run(rules, [
      visit("m1", "2026-05-01T10:00:00Z", "a"),
      visit("m1", "2026-05-01T11:00:00Z", "b"), // same day: still 1 day before
      visit("m1", "2026-05-02T10:00:00Z", "c"), // 1 day before it
      visit("m1", "2026-05-03T10:00:00Z", "d"), // 2 days: Regular
      visit("m1", "2026-06-02T10:00:01Z", "e"), // window (05-02 10:00:01, 06-02]: 05-03 only
    ]);
    expect(out.tiers?.map((t) => `${t.event}:${t.tier}`)).toEqual(["a:New", "d:Regular", "e:New"]);
    expect(out.balances.m1).toBe(1);
  });
  it("by points: awards less their reversals, not adjustments or redemptions", () => {
    const rules = `tiers by points over 12 months { tier "A" from 0 tier "B" from 100 }
earn "S" on invoice.paid { rate 1 point per $1 }`;
    const out = run(rules, [
      adjust("m1", "2026-05-01T10:00:00Z", 500),
      invoice("m1", "2026-05-02T10:00:00Z", "100.00", "i1"),
      ev("invoice.voided", "m1", "2026-05-03T10:00:00Z", { invoice: { id: "i1" } }),
      invoice("m1", "2026-05-04T10:00:00Z", "100.00", "i2"),
      visit("m1", "2026-05-05T10:00:00Z"),
    ]);
    expect(out.tiers?.map((t) => t.tier)).toEqual(["A", "B", "A", "B"]);
  });
  it("a cap per invoice and per week (weeks from Monday); a total_spend rule settles what the cap drops", () => {
    const rules = `earn "S" on invoice.paid { rate 1 point per $1 cap 30 points per invoice }
earn "T" on invoice.paid { rate 1 point per $1 mode total_spend cap 50 points per week }`;
    const out = run(rules, [
      invoice("m1", "2026-03-02T10:00:00Z", "40.00"), // Monday: S 30, T 40
      invoice("m1", "2026-03-08T10:00:00Z", "40.00"), // Sunday: S 30, T 10 (cap), 30 settled and dropped
      invoice("m1", "2026-03-09T10:00:00Z", "5.00"), // Monday: S 5, T 5 (nothing owed from before)
    ]);
    expect(awards(out)).toEqual(["m1:S:30", "m1:T:40", "m1:S:30", "m1:T:10", "m1:S:5", "m1:T:5"]);
  });
  it("suppressed points use no cap room", () => {
    const rules = `earn "S" on invoice.paid { rate 1 point per $1 cap 50 points per day }
reward "First" on invoice.paid when member.paid_invoices = 1 { award 5 points accumulate no }`;
    const out = run(rules, [invoice("m1", "2026-03-02T10:00:00Z", "40.00"), invoice("m1", "2026-03-02T11:00:00Z", "40.00")]);
    expect(awards(out)).toEqual(["m1:First:5", "m1:S:40"]);
  });
  it("tierStatus: the tier as of now and what the next one needs", () => {
    const src = `tiers by spend over 12 months { tier "Member" from $0 tier "Gold" from $500 multiplier 1.5 }
earn "S" on invoice.paid { rate 1 point per $10 }`;
    const program = compile(check(src).ast);
    const m = initialMemberState();
    m.invoices.i1 = { event: "e1", total: 30000, eligible: 30000, awards: [], at: Date.parse("2026-01-10T00:00:00Z") };
    expect(tierStatus(program, m, Date.parse("2026-06-01T00:00:00Z"))).toEqual({
      tier: "Member",
      value: 30000,
      next: { tier: "Gold", from: 50000, needed: 20000 },
    });
    expect(tierStatus(program, m, Date.parse("2027-01-10T00:00:00Z"))!.value).toBe(0); // the window has lapsed
  });
});

describe("points available later", () => {
  it("awards carry available; a redemption may use only points available at its time", () => {
    const rules = 'earn "S" on invoice.paid { rate 1 point per $1 available after 2 days }';
    const out = run(rules, [
      invoice("m1", "2026-03-01T10:00:00Z", "10.00"),
      redeem("m1", "2026-03-03T09:00:00Z", 10, "r1"),
      redeem("m1", "2026-03-03T10:00:00Z", 10, "r2"),
    ]);
    expect(out.awards[0]!.available).toBe("2026-03-03T10:00:00.000Z");
    expect(out.rejected.map((r) => r.event)).toEqual(["r1"]);
    expect(out.redemptions.map((r) => r.event)).toEqual(["r2"]);
  });
  it("rules without it keep v1's award shape", () => {
    expect(
      Object.keys(run('earn "S" on invoice.paid { rate 1 point per $1 }', [invoice("m1", "2026-03-01T10:00:00Z", "10.00")]).awards[0]!),
    ).toEqual(["event", "member", "rule", "points"]);
  });
});

describe("expiry", () => {
  const lots = 'expire points 1 month after earning\nreward "V" on visit.checked_in { award 10 points }\n';
  it("a reversal takes from its own lot first; negative adjustments and redemptions from the earliest", () => {
    const rules = `${lots}earn "S" on invoice.paid { rate 1 point per $1 }`;
    const out = run(rules, [
      visit("m1", "2026-01-01T10:00:00Z"), // lot A 10, expires 02-01
      invoice("m1", "2026-01-15T10:00:00Z", "20.00", "i1"), // lot B 20, expires 02-15
      adjust("m1", "2026-01-16T10:00:00Z", -5), // A 5
      ev("invoice.voided", "m1", "2026-01-17T10:00:00Z", { invoice: { id: "i1" } }), // B 0
    ]);
    expect(out.expirations).toEqual([]);
    const flushed = simulate({
      rules,
      now: "2026-03-01T00:00:00Z",
      events: [
        visit("m1", "2026-01-01T10:00:00Z"),
        invoice("m1", "2026-01-15T10:00:00Z", "20.00", "i1"),
        adjust("m1", "2026-01-16T10:00:00Z", -5),
        ev("invoice.voided", "m1", "2026-01-17T10:00:00Z", { invoice: { id: "i1" } }),
      ],
    });
    expect(flushed).toMatchObject({ expirations: [{ member: "m1", points: -5, at: "2026-02-01T10:00:00.000Z" }], balances: { m1: 0 } });
  });
  it("a lot expires no more than the balance; lots due at one instant expire one by one", () => {
    const out = simulate({
      rules: lots,
      now: "2026-03-01T00:00:00Z",
      events: [
        visit("m1", "2026-01-31T10:00:00Z", "a"),
        visit("m1", "2026-01-31T10:00:00Z", "b"),
        adjust("m1", "2026-02-01T10:00:00Z", -15),
        visit("m1", "2026-01-28T10:00:00Z", "z"),
      ],
    });
    // a and b both expire 02-28 10:00 (31 clamped), z on 02-28 too: the adjustment took z (earliest) and 5 of a.
    expect(out).toMatchObject({
      expirations: [
        { points: -5, at: "2026-02-28T10:00:00.000Z" },
        { points: -10, at: "2026-02-28T10:00:00.000Z" },
      ],
      balances: { m1: 0 },
    });
  });
  it("inactivity: any award or redemption restarts the clock; rejected events and reversals do not", () => {
    const rules = 'expire points after 2 months without activity\nreward "V" on visit.checked_in { award 10 points }';
    const out = simulate({
      rules,
      now: "2026-12-31T00:00:00Z",
      events: [
        visit("m1", "2026-01-10T00:00:00Z"),
        redeem("m1", "2026-03-01T00:00:00Z", 100), // rejected: not activity
        redeem("m1", "2026-03-05T00:00:00Z", 1), // activity: due 05-05
      ],
    });
    expect(out).toMatchObject({ expirations: [{ member: "m1", points: -9, at: "2026-05-05T00:00:00.000Z" }], balances: { m1: 0 } });
  });
  it("nothing expires while the program is off; pointsDueToExpire says what would when it is switched on", () => {
    const out = simulate({ rules: lots, status: "off", now: "2027-01-01T00:00:00Z", events: [adjust("m1", "2026-01-01T00:00:00Z", 10)] });
    expect(out).toMatchObject({ expirations: [], balances: { m1: 10 } });
    const off = compile(check(lots).ast, { status: "off" });
    const state = initialState();
    applyEvent(off, state, adjust("m1", "2026-01-01T00:00:00Z", 10), []);
    expect(pointsDueToExpire(off, state.members.m1!, Date.parse("2026-03-01T00:00:00Z"))).toBe(10);
    expect(pointsDueToExpire(off, state.members.m1!, Date.parse("2026-01-15T00:00:00Z"))).toBe(0);
    expect(state.members.m1!.balance).toBe(10);
  });
  it("months across daylight saving keep the local time; a skipped time moves forward by the gap", () => {
    const rules = 'expire points 1 month after earning\nreward "V" on visit.checked_in { award 10 points }';
    const out = simulate({
      rules,
      timezone: "America/Chicago",
      now: "2026-04-30T00:00:00Z",
      events: [visit("m1", "2026-02-08T08:30:00Z")], // 02:30 CST; 2026-03-08 02:30 does not exist
    });
    expect(out).toMatchObject({ expirations: [{ at: "2026-03-08T08:30:00.000Z" }] }); // 03:30 CDT
  });
  it("upcomingExpirations lists the lots' remainders no more than the balance", () => {
    const program = compile(check(lots).ast);
    const m = initialMemberState();
    m.balance = 12;
    m.lots = [
      { id: 1, at: 0, exp: Date.parse("2026-02-01T00:00:00Z"), left: 10 },
      { id: 2, at: 1, exp: Date.parse("2026-03-01T00:00:00Z"), left: 10 },
    ];
    expect(upcomingExpirations(program, m)).toEqual([
      { points: 10, at: "2026-02-01T00:00:00.000Z" },
      { points: 2, at: "2026-03-01T00:00:00.000Z" },
    ]);
    const out: never[] = [];
    expireDue(program, m, "m1", Date.parse("2026-02-01T00:00:00Z"), out);
    expect(m.balance).toBe(2);
  });
});

describe("amounts stay exact: amount_out_of_range", () => {
  it("an invoice over $10,000,000 is refused whole: no facts, no tier, no awards", () => {
    const rules = `tiers by spend over 12 months { tier "A" from $0 }
earn "S" on invoice.paid { rate 1 point per $1 }
reward "N" on invoice.paid when member.paid_invoices = 1 { award 5 points }`;
    const out = run(rules, [
      invoice("m1", "2026-01-01T00:00:00Z", "10,000,000.01", "big", "e1"),
      invoice("m1", "2026-01-02T00:00:00Z", "10,000,000.00", "ok", "e2"),
    ]);
    expect(out.rejected).toEqual([{ event: "e1", member: "m1", reason: "amount_out_of_range" }]);
    expect(awards(out)).toEqual(["m1:S:10000000", "m1:N:5"]);
    expect(out.tiers).toEqual([{ event: "e2", member: "m1", tier: "A", from: null }]);
  });
  it("an event that would take a balance beyond 2^53 - 1 is refused; exact integers all the way", () => {
    const rules = 'earn "S" on invoice.paid { rate 10000 points per $0.01 mode total_spend items all }';
    const max = Number.MAX_SAFE_INTEGER;
    const out = run(rules, [
      adjust("m1", "2026-01-01T00:00:00Z", max - 10, "a1"),
      adjust("m1", "2026-01-02T00:00:00Z", 11, "a2"),
      adjust("m2", "2026-01-02T00:00:00Z", max + 10, "a3"),
      invoice("m3", "2026-01-03T00:00:00Z", "10,000,000.00", "i1", "p1"),
    ]);
    expect(out.rejected.map((r) => `${r.event}:${r.reason}`)).toEqual(["a2:amount_out_of_range", "a3:amount_out_of_range"]);
    expect(out.balances).toEqual({ m1: max - 10, m2: 0, m3: 10_000_000_000_000 });
    // Total spend keeps adding: with a 10× tier the lifetime basis times the rate passes 2^53 within
    // 100 invoices and is computed exactly; the invoice that would pass the range is refused.
    const tiered = `tiers by visits over 1 month { tier "Top" from 0 multiplier 10 }\n${rules}`;
    const many = Array.from({ length: 100 }, (_, i) =>
      invoice("m4", new Date(Date.parse("2026-02-01T00:00:00Z") + i * 1000).toISOString(), "10,000,000.00", `b${i}`, `q${i}`),
    );
    const big = run(tiered, many);
    const total = big.awards.reduce((s, a) => s + a.points, 0);
    expect(big.rejected.length).toBeGreaterThan(0);
    expect(Number.isSafeInteger(total)).toBe(true);
    expect(big.balances.m4).toBe(total);
    expect(total).toBeLessThanOrEqual(max);
  });
});

describe("merging two members keeps both members' lots with their expiries", () => {
  it("the source's lots are renumbered, its invoices still reverse from their own lot", () => {
    const p = compile(check('expire points 1 month after earning\nearn "S" on invoice.paid { rate 1 point per $1 }').ast);
    const state = initialState();
    for (const e of [
      invoice("t", "2026-01-10T00:00:00Z", "10.00", "ti"),
      invoice("s", "2026-01-05T00:00:00Z", "7.00", "si1"),
      invoice("s", "2026-01-20T00:00:00Z", "3.00", "si2"),
    ])
      applyEvent(p, state, e, []);
    const merged = mergeMemberStates(state.members.t!, state.members.s!);
    merged.balance = 20;
    expect(merged.lots!.map((l) => [l.id, l.left])).toEqual([
      [2, 7],
      [1, 10],
      [3, 3],
    ]);
    state.members.t = merged;
    const out: Effect[] = [];
    applyEvent(p, state, ev("invoice.voided", "t", "2026-01-21T00:00:00Z", { invoice: { id: "si2" } }), out);
    expect(state.members.t!.lots!.map((l) => [l.id, l.left])).toEqual([
      [2, 7],
      [1, 10],
    ]);
    expireDue(p, state.members.t!, "t", Date.parse("2026-02-10T00:00:00Z"), out);
    expect(out.filter((e) => e.type === "expiration").map((e) => e.points)).toEqual([-7, -10]);
  });
});
