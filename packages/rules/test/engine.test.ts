// Table-driven tests of every clause's meaning (SPEC section 5).
import { describe, expect, it } from "vitest";
import { at, awards, ev, invoice, run } from "./helpers.ts";

const SPEND = 'earn "Spend" on invoice.paid { rate 1 point per $10 }\n';

describe("earning", () => {
  const cases: { name: string; rules: string; amounts: string[]; want: number[]; eligible?: string[] }[] = [
    { name: "per transaction floors each invoice", rules: SPEND, amounts: ["15.00", "15.00"], want: [1, 1] },
    {
      name: "total spend pays what the running total allows",
      rules: 'earn "Spend" on invoice.paid { rate 1 point per $10 mode total_spend }',
      amounts: ["15.00", "15.00", "9.99", "0.01"],
      want: [1, 2, 0, 1],
    },
    {
      name: "minimum: below earns nothing, equal earns",
      rules: 'earn "Spend" on invoice.paid { rate 1 point per $10 minimum $20 }',
      amounts: ["19.99", "20.00", "25.00"],
      want: [0, 2, 2],
    },
    {
      name: "rates above one point",
      rules: 'earn "Spend" on invoice.paid { rate 3 points per $2.50 }',
      amounts: ["10.00", "2.49", "0.83"],
      want: [12, 2, 0],
    },
    {
      name: "money with thousands separators",
      rules: 'earn "Spend" on invoice.paid { rate 1 point per $1,000 }',
      amounts: ["2,500.00"],
      want: [2],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const out = run(
        c.rules,
        c.amounts.map((a, i) => invoice("m1", at(i), a)),
      );
      const byEvent = new Map(out.awards.map((a) => [a.event, a.points]));
      const events = out.awards.map((a) => a.event);
      expect(events.length).toBe(c.want.filter((w) => w > 0).length);
      expect([...byEvent.values()]).toEqual(c.want.filter((w) => w > 0));
      expect(out.balances.m1).toBe(c.want.reduce((a, b) => a + b, 0));
    });
  }

  it("items: eligible, all and a list of codes", () => {
    const rules = `earn "Eligible" on invoice.paid { rate 1 point per $10 items eligible }
earn "All" on invoice.paid { rate 1 point per $10 items all }
earn "Listed" on invoice.paid { rate 1 point per $10 items ["WHITEN", "XRAY"] }`;
    const out = run(
      rules,
      [
        invoice("m1", at(0), [
          ["EXAM", "50.00"],
          ["EUTH", "200.00"],
          ["WHITEN", "30.00"],
          ["XRAY", "20.00"],
        ]),
      ],
      { eligible: ["EXAM", "WHITEN"] },
    );
    expect(awards(out)).toEqual(["m1:Eligible:8", "m1:All:30", "m1:Listed:5"]);
  });

  it("a zero-point earn is not an award", () => {
    const out = run(SPEND, [invoice("m1", at(0), "9.99")]);
    expect(out.awards).toEqual([]);
    expect(out.balances).toEqual({ m1: 0 });
  });

  it("earn with when and during only pays when both hold", () => {
    const rules = 'earn "Big" on invoice.paid when invoice.total >= $100 { rate 1 point per $10 during 2026-03-01 to 2026-03-02 }';
    const out = run(rules, [invoice("m1", at(0), "150.00"), invoice("m1", at(1), "50.00"), invoice("m1", at(48), "150.00")]);
    expect(awards(out)).toEqual(["m1:Big:15"]);
  });
});

describe("accumulate", () => {
  const first = (mode: string) =>
    `${SPEND}reward "First" on invoice.paid when member.paid_invoices = 1 { award 50 points accumulate ${mode} }\n`;
  const table: { mode: string; amount: string; want: string[] }[] = [
    { mode: "yes", amount: "300.00", want: ["m1:Spend:30", "m1:First:50"] },
    { mode: "no", amount: "800.00", want: ["m1:First:50"] },
    { mode: "better_choice", amount: "300.00", want: ["m1:First:50"] },
    { mode: "better_choice", amount: "800.00", want: ["m1:Spend:80"] },
    { mode: "better_choice", amount: "500.00", want: ["m1:Spend:50"] }, // a tie keeps E
  ];
  for (const t of table) {
    it(`${t.mode} with $${t.amount}`, () => {
      expect(awards(run(first(t.mode), [invoice("m1", at(0), t.amount)]))).toEqual(t.want);
    });
  }

  it("among better_choice rewards the largest stands, ties keep the earliest declared", () => {
    const rules = `${SPEND}reward "A" on invoice.paid { award 40 points accumulate better_choice }
reward "B" on invoice.paid { award 60 points accumulate better_choice }
reward "C" on invoice.paid { award 60 points accumulate better_choice }
reward "D" on invoice.paid { award 5 points }`;
    expect(awards(run(rules, [invoice("m1", at(0), "100.00")]))).toEqual(["m1:B:60", "m1:D:5"]);
  });

  it("suppressed total-spend points are settled, not paid later", () => {
    const rules = `earn "Spend" on invoice.paid { rate 1 point per $10 mode total_spend }
reward "First" on invoice.paid when member.paid_invoices = 1 { award 5 points accumulate no }`;
    const out = run(rules, [invoice("m1", at(0), "100.00"), invoice("m1", at(1), "20.00")]);
    expect(awards(out)).toEqual(["m1:First:5", "m1:Spend:2"]);
  });
});

describe("limits and dates", () => {
  const checkin = (h: string, id?: string) => ev("visit.checked_in", "m1", h, { visit: { method: "card" } }, id);
  const limited = (per: string, n = "once") => `reward "R" on visit.checked_in { award 1 point limit ${n} per ${per} }`;

  it("per member: ever", () => {
    expect(run(limited("member"), [checkin(at(0)), checkin(at(100)), checkin(at(10000))]).balances.m1).toBe(1);
  });
  it("limit 2 per member", () => {
    expect(run(limited("member", "2"), [checkin(at(0)), checkin(at(1)), checkin(at(2))]).balances.m1).toBe(2);
  });
  it("per day uses the practice's local day", () => {
    // 2026-03-03T05:00Z is still March 2 in Chicago (UTC-6), 06:30Z is March 3 at 00:30.
    const events = [checkin("2026-03-02T15:00:00Z"), checkin("2026-03-03T05:00:00Z"), checkin("2026-03-03T06:30:00Z")];
    expect(run(limited("day"), events, { timezone: "America/Chicago" }).balances.m1).toBe(2);
    expect(run(limited("day"), events).balances.m1).toBe(2); // UTC: March 2, March 3, March 3
  });
  it("per week: weeks start on Monday", () => {
    // 2026-03-08 is a Sunday, 2026-03-09 a Monday.
    const events = [checkin("2026-03-02T12:00:00Z"), checkin("2026-03-08T12:00:00Z"), checkin("2026-03-09T12:00:00Z")];
    expect(run(limited("week"), events).balances.m1).toBe(2);
  });
  it("per month and per year", () => {
    const events = [
      checkin("2026-01-31T12:00:00Z"),
      checkin("2026-02-01T12:00:00Z"),
      checkin("2026-02-28T12:00:00Z"),
      checkin("2027-01-01T12:00:00Z"),
    ];
    expect(run(limited("month"), events).balances.m1).toBe(3);
    expect(run(limited("year"), events).balances.m1).toBe(2);
  });
  it("during is inclusive, in local dates", () => {
    const rules = 'reward "R" on visit.checked_in { award 1 point during 2026-03-02 to 2026-03-03 }';
    const events = [
      checkin("2026-03-02T05:59:00Z"),
      checkin("2026-03-02T06:00:00Z"),
      checkin("2026-03-04T05:59:00Z"),
      checkin("2026-03-04T06:00:00Z"),
    ];
    expect(run(rules, events, { timezone: "America/Chicago" }).balances.m1).toBe(2);
  });
});

describe("conditions", () => {
  it("member facts: paid invoices, lifetime spend, points before the event, tags, registered, age", () => {
    const rules = `reward "Second" on invoice.paid when member.paid_invoices = 2 { award 1 point }
reward "Spender" on invoice.paid when member.lifetime_spend >= $100 { award 10 points limit once per member }
reward "Rich" on visit.checked_in when member.points >= 11 { award 100 points }
reward "VIP" on visit.checked_in when member has tag "vip" and not member.registered { award 1000 points }
reward "Adult" on member.birthday when member.age >= 18 { award 7 points }`;
    const out = run(
      rules,
      [
        invoice("m1", at(0), "60.00"),
        invoice("m1", at(1), "40.00"),
        ev("visit.checked_in", "m1", at(2)),
        ev("visit.checked_in", "m2", at(2)),
        ev("member.birthday", "m2", "2026-04-02T12:00:00Z"),
        ev("member.birthday", "m1", "2026-04-02T12:00:00Z"),
      ],
      {
        members: [
          { id: "m2", tags: ["vip"], birthday: "2008-04-02" },
          { id: "m1", birthday: "2008-04-03" },
        ],
      },
    );
    expect(awards(out)).toEqual(["m1:Second:1", "m1:Spender:10", "m1:Rich:100", "m2:VIP:1000", "m2:Adult:7"]);
  });

  it("arithmetic, lists and in", () => {
    const rules = `reward "Codes" on invoice.paid when ("XRAY" in invoice.codes or invoice.total * 2 > $500) and invoice.id in ["a", "b"] { award 3 points }`;
    const out = run(rules, [
      invoice("m1", at(0), [["XRAY", "1.00"]], "a"),
      invoice("m1", at(1), [["EXAM", "300.00"]], "b"),
      invoice("m1", at(2), [["EXAM", "300.00"]], "c"),
      invoice("m1", at(3), [["EXAM", "100.00"]], "d"),
    ]);
    expect(out.awards.map((a) => a.event)).toHaveLength(2);
    expect(out.balances.m1).toBe(6);
  });

  it("survey fields", () => {
    const rules =
      'reward "Mostly" on survey.submitted when survey.positive >= 2 and not survey.perfect and survey.questions = 3 { award 2 points }';
    const out = run(rules, [
      ev("survey.submitted", "m1", at(0), { survey: { answers: [true, true, false] } }),
      ev("survey.submitted", "m1", at(1), { survey: { answers: [true, true, true] } }),
    ]);
    expect(out.balances.m1).toBe(2);
  });
});

describe("milestones", () => {
  const perfect = (i: number, ok = true) => ev("survey.submitted", "m1", at(i), { survey: { answers: [true, ok] } });
  it("unlimited: every N perfect, cumulative, resets", () => {
    const out = run('milestone "M" unlimited { every 2 perfect surveys award 10 points }', [
      perfect(0),
      perfect(1, false),
      perfect(2),
      perfect(3),
      perfect(4),
      perfect(5),
    ]);
    // perfect, imperfect, then four perfect: 5 perfect in all -> awards at the 2nd and 4th perfect
    expect(out.awards.map((a) => a.event)).toEqual([out.awards[0]!.event, out.awards[1]!.event]);
    expect(out.awards).toHaveLength(2);
    expect(out.balances.m1).toBe(20);
  });
  it("a survey may carry only its verdict", () => {
    const out = run('milestone "M" unlimited { every 2 perfect surveys award 10 points }', [
      ev("survey.submitted", "m1", at(0), { survey: { perfect: true } }),
      ev("survey.submitted", "m1", at(1), { survey: { perfect: false } }),
      ev("survey.submitted", "m1", at(2), { survey: { perfect: true } }),
    ]);
    expect(out.balances.m1).toBe(10);
  });
  it("during limits which perfect surveys count", () => {
    const out = run('milestone "M" unlimited { every 2 perfect surveys award 10 points during 2026-03-02 to 2026-03-03 }', [
      perfect(0),
      perfect(24),
      perfect(48),
    ]);
    expect(out.balances.m1).toBe(10); // the third survey (March 4) is outside the range
  });
  it("limited: phases in order, nothing after the last", () => {
    const rules =
      'milestone "L" limited { phase "One" after 1 perfect surveys award 5 points phase "Two" after 2 perfect surveys award coupon "c" }';
    const out = run(rules, [perfect(0), perfect(1), perfect(2), perfect(3), perfect(4), perfect(5)]);
    expect(out.phases.map((p) => p.phase)).toEqual(["One", "Two"]);
    expect(awards(out)).toEqual(["m1:L:5"]);
    expect(out.coupons).toEqual([{ event: out.phases[1]!.event, member: "m1", rule: "L", coupon: "c", expires: null }]);
  });
});

describe("instant rewards", () => {
  const rules = `${SPEND}reward "Hello" on visit.checked_in { award 60 points }
instant "Big" { window 2 hours when visit.spend >= $300 or visit.points >= 100 unlock coupon "a", coupon "b" for 1 day }`;
  it("the check-in's own points count; unlock once per window", () => {
    const out = run(rules, [ev("visit.checked_in", "m1", at(0)), invoice("m1", at(1), "400.00"), invoice("m1", at(1.5), "400.00")]);
    expect(out.coupons.map((c) => c.coupon)).toEqual(["a", "b"]);
    expect(out.coupons[0]!.expires).toBe(new Date(Date.parse(at(1)) + 86_400_000).toISOString());
  });
  it("during limits when coupons unlock", () => {
    const dated = 'instant "I" { window 2 hours when visit.points >= 0 unlock coupon "a" for 1 hour during 2026-03-03 to 2026-03-03 }';
    const out = run(dated, [ev("visit.checked_in", "m1", at(0)), ev("visit.checked_in", "m1", at(24), {}, "day2")]);
    expect(out.coupons.map((c) => c.event)).toEqual(["day2"]);
  });
  it("spend outside the window does not count; a new check-in opens a new window", () => {
    const out = run(rules.replace("award 60", "award 1"), [
      ev("visit.checked_in", "m1", at(0)),
      invoice("m1", at(1), "200.00"),
      invoice("m1", at(2), "200.00"), // at the window's end: outside [at, at + 2h)
      ev("visit.checked_in", "m1", at(3)),
      invoice("m1", at(3.5), "299.00"),
      ev("visit.checked_in", "m1", at(4)),
      invoice("m1", at(4.5), "300.00"),
    ]);
    expect(out.coupons.map((c) => c.event)).toEqual([out.awards.at(-1)!.event, out.awards.at(-1)!.event]);
  });
});

describe("manual rewards", () => {
  const rules = 'reward "Follow" manual { award 5 points prompt "Handle?" limit once per member }';
  const act = (type: string, member: string, h: number, id?: string) =>
    ev(type, member, at(h), { action: { name: "Follow", response: "@x" } }, id);
  it("completed -> pending; approved -> award of the oldest; a second request over the limit is refused at approval", () => {
    const out = run(rules, [
      act("action.completed", "m1", 0, "c1"),
      act("action.completed", "m1", 1, "c2"),
      act("action.approved", "m1", 2, "a1"),
      act("action.approved", "m1", 3, "a2"),
    ]);
    expect(awards(out)).toEqual(["m1:Follow:5"]);
    expect(out.rejected).toEqual([{ event: "a2", member: "m1", reason: "limit_reached" }]);
    expect(out.pending).toEqual([]);
  });
  it("rejected drops the request; completing after the limit is used is refused", () => {
    const out = run(rules, [
      act("action.completed", "m1", 0, "c1"),
      act("action.rejected", "m1", 1),
      act("action.completed", "m1", 2, "c3"),
      act("action.approved", "m1", 3),
      act("action.completed", "m1", 4, "c5"),
    ]);
    expect(out.balances.m1).toBe(5);
    expect(out.rejected).toEqual([{ event: "c5", member: "m1", reason: "limit_reached" }]);
  });
  it("a manual reward outside its dates refuses new requests", () => {
    const dated = 'reward "Follow" manual { award 5 points prompt "Handle?" during 2026-03-01 to 2026-03-02 }';
    const out = run(dated, [
      act("action.completed", "m1", 0, "c1"),
      act("action.completed", "m1", 48, "c2"),
      act("action.approved", "m1", 49, "a1"),
    ]);
    expect(out.rejected).toEqual([{ event: "c2", member: "m1", reason: "inactive" }]);
    expect(awards(out)).toEqual(["m1:Follow:5"]);
  });
  it("pending lists what is still waiting", () => {
    const out = run(rules, [act("action.completed", "m1", 0, "c1"), act("action.completed", "m2", 0, "c2")]);
    expect(out.pending).toEqual([
      { event: "c1", member: "m1", rule: "Follow" },
      { event: "c2", member: "m2", rule: "Follow" },
    ]);
  });
});

describe("referrals", () => {
  it("awards the referrer and the member, each limited on their own", () => {
    const rules = 'reward "Ref" on referral.converted { award 10 points to referrer award 3 points limit once per member }';
    const out = run(rules, [
      ev("referral.converted", "m2", at(0), { referral: { referrer: "m1" } }),
      ev("referral.converted", "m3", at(1), { referral: { referrer: "m1" } }),
    ]);
    expect(awards(out)).toEqual(["m1:Ref:10", "m2:Ref:3", "m3:Ref:3"]);
    expect(out.balances).toEqual({ m2: 3, m1: 10, m3: 3 });
  });
});

describe("voids, redemptions, adjustments, status", () => {
  it("a void reverses every award of the invoice, and facts go back", () => {
    const rules = `${SPEND}reward "First" on invoice.paid when member.paid_invoices = 1 { award 50 points limit once per member }`;
    const out = run(rules, [
      invoice("m1", at(0), "100.00", "i1", "p1"),
      ev("invoice.voided", "m1", at(1), { invoice: { id: "i1" } }, "v1"),
      invoice("m1", at(2), "30.00", "i2", "p2"),
    ]);
    expect(out.reversals).toEqual([
      { event: "v1", member: "m1", rule: "Spend", points: -10, reverses: "p1" },
      { event: "v1", member: "m1", rule: "First", points: -50, reverses: "p1" },
    ]);
    expect(awards(out)).toEqual(["m1:Spend:10", "m1:First:50", "m1:Spend:3", "m1:First:50"]);
    expect(out.balances.m1).toBe(53);
  });
  it("total spend after a void: basis and settled both go down", () => {
    const rules = 'earn "T" on invoice.paid { rate 1 point per $10 mode total_spend }';
    const out = run(rules, [
      invoice("m1", at(0), "15.00", "i1"),
      invoice("m1", at(1), "15.00", "i2"),
      ev("invoice.voided", "m1", at(2), { invoice: { id: "i1" } }),
      invoice("m1", at(3), "15.00", "i3"),
    ]);
    expect(out.balances.m1).toBe(3); // $30 still paid: 3 points
  });
  it("total spend counts only the invoices on which its when and during held (SPEC 5)", () => {
    const rules = 'earn "T" on invoice.paid when invoice.total >= $20 { rate 1 point per $10 mode total_spend }';
    const out = run(rules, [
      invoice("m1", at(0), "15.00", "i1"), // outside `when`: adds nothing, settles nothing
      invoice("m1", at(1), "25.00", "i2"), // lifetime basis $25: 2 points
      invoice("m1", at(2), "5.00", "i3"), // outside again
      invoice("m1", at(3), "25.00", "i4"), // $50: 5 in all, 3 now
    ]);
    expect(awards(out)).toEqual(["m1:T:2", "m1:T:3"]);
    const dated = run('earn "T" on invoice.paid { rate 1 point per $10 mode total_spend during 2026-03-03 to 2026-12-31 }', [
      invoice("m1", at(0), "15.00"), // 2026-03-02: before the dates
      invoice("m1", at(24), "15.00"), // $15 counted: 1 point
    ]);
    expect(awards(dated)).toEqual(["m1:T:1"]);
  });
  it("a void lowers the settled count by what that invoice settled, suppressed points included", () => {
    const rules = `earn "T" on invoice.paid { rate 1 point per $10 mode total_spend }
reward "First" on invoice.paid when member.paid_invoices = 1 { award 5 points accumulate no }`;
    const out = run(rules, [
      invoice("m1", at(0), "30.00", "i1"), // 3 points suppressed (settled)
      invoice("m1", at(1), "20.00", "i2"), // $50: 5 in all, 2 now
      ev("invoice.voided", "m1", at(2), { invoice: { id: "i1" } }), // $20 remain, 2 settled
      invoice("m1", at(3), "10.00", "i3"), // $30: 3 in all, 1 now
    ]);
    expect(awards(out)).toEqual(["m1:First:5", "m1:T:2", "m1:T:1"]);
  });
  it("voiding twice or an unknown invoice does nothing", () => {
    const out = run(SPEND, [
      invoice("m1", at(0), "100.00", "i1"),
      ev("invoice.voided", "m1", at(1), { invoice: { id: "i1" } }),
      ev("invoice.voided", "m1", at(2), { invoice: { id: "i1" } }),
      ev("invoice.voided", "m1", at(3), { invoice: { id: "zz" } }),
    ]);
    expect(out.reversals).toHaveLength(1);
    expect(out.balances.m1).toBe(0);
  });
  it("redemptions never overdraw; adjustments add and deduct", () => {
    const out = run(SPEND, [
      invoice("m1", at(0), "100.00"),
      ev("points.redeemed", "m1", at(1), { redemption: { points: 11 } }, "r1"),
      ev("points.adjusted", "m1", at(2), { adjustment: { points: 5 } }, "a1"),
      ev("points.redeemed", "m1", at(3), { redemption: { points: 15 } }, "r2"),
      ev("points.adjusted", "m1", at(4), { adjustment: { points: -3 } }, "a2"),
    ]);
    expect(out.rejected).toEqual([{ event: "r1", member: "m1", reason: "insufficient_points" }]);
    expect(out.redemptions).toEqual([{ event: "r2", member: "m1", points: -15 }]);
    expect(out.adjustments).toEqual([
      { event: "a1", member: "m1", points: 5 },
      { event: "a2", member: "m1", points: -3 },
    ]);
    expect(out.balances.m1).toBe(-3);
  });
  it("status off: no awards, facts still update, redemptions refused", () => {
    const rules = `${SPEND}reward "Second" on invoice.paid when member.paid_invoices = 2 { award 1 point }`;
    const out = run(
      rules,
      [invoice("m1", at(0), "100.00"), invoice("m1", at(1), "100.00"), ev("points.redeemed", "m1", at(2), { redemption: { points: 1 } })],
      { status: "off" },
    );
    expect(out.awards).toEqual([]);
    expect(out.rejected.map((r) => r.reason)).toEqual(["program_off"]);
  });
  it("status test: awards as on, redemptions refused with test_mode", () => {
    const out = run(SPEND, [invoice("m1", at(0), "100.00"), ev("points.redeemed", "m1", at(2), { redemption: { points: 1 } })], {
      status: "test",
    });
    expect(out.balances.m1).toBe(10);
    expect(out.rejected.map((r) => r.reason)).toEqual(["test_mode"]);
  });
});

describe("ordering and idempotency", () => {
  it("events run in order of at, ties in input order", () => {
    const rules = 'reward "First" on visit.checked_in when member.points = 0 { award 1 point }';
    const out = run(rules, [
      ev("visit.checked_in", "m1", at(5), {}, "late"),
      ev("visit.checked_in", "m1", at(1), {}, "tie1"),
      ev("visit.checked_in", "m1", at(1), {}, "tie2"),
    ]);
    expect(out.awards.map((a) => a.event)).toEqual(["tie1"]);
  });
  it("an event id seen before is skipped whole; a paid invoice is not paid twice", () => {
    const e = invoice("m1", at(0), "100.00", "i1", "e1");
    const out = run(SPEND, [e, { ...e }, { ...e, id: "e2" }]);
    expect(awards(out)).toEqual(["m1:Spend:10"]);
  });
});
