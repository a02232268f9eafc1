// Plain-English previews and ledger explanations.
import { describe, expect, it } from "vitest";
import {
  type AwardEffect,
  applyEvent,
  awardKey,
  check,
  compile,
  describeDeclaration,
  describeRule,
  type Effect,
  explainAward,
  initialState,
  parse,
} from "../src/index.ts";

const one = (src: string) => describeRule(parse(src).ast.rules[0]!);

describe("describeRule", () => {
  it.each([
    [
      'earn "S" on invoice.paid { rate 1 point per $10 minimum $20 items eligible }',
      "Patients earn 1 point per $10 of eligible spend, per visit, from $20",
    ],
    [
      'earn "S" on invoice.paid { rate 2 points per $5 mode total_spend items all }',
      "Patients earn 2 points per $5 of all spend, on their total spend over time",
    ],
    [
      'reward "F" on invoice.paid when member.paid_invoices = 1 { award 500 points accumulate no }',
      "Patients get 500 points when an invoice is paid, if this is their first paid invoice, instead of spend points",
    ],
    [
      'reward "R" on referral.converted { award 250 points to referrer award 100 points }',
      "The referrer gets 250 points and patients get 100 points when a referral converts",
    ],
    [
      'reward "H" on visit.checked_in { award 20 points limit once per day during 2026-12-01 to 2026-12-31 }',
      "Patients get 20 points when they check in, once per day, from Dec 1, 2026 to Dec 31, 2026",
    ],
    ['milestone "K" unlimited { every 5 perfect surveys award 200 points }', "Every 5 perfect surveys, patients get 200 points"],
  ])("%s", (src, text) => {
    expect(one(src)).toBe(text);
  });

  it.each([
    [
      'instant "Big" { window 4 hours when visit.spend >= $300 unlock coupon "ten-off" for 48 hours }',
      "Within 4 hours of checking in, once their eligible spend since checking in is at least $300, patients unlock the coupon “$10 off your next visit” for 48 hours",
    ],
    [
      'reward "C" on marketplace.participated when activity.kind = "contest" { award 20 points }',
      "Patients get 20 points when they take part in a contest, survey or social post, if the activity is a contest",
    ],
    [
      'reward "V" on visit.checked_in when member has tag "vip" and not member.registered or visit.method = "card" { award 5 points and coupon "movie-ticket" }',
      "Patients get 5 points and the coupon “Movie ticket” when they check in, if (they have the tag “vip” and they have not registered) or they check in with their card",
    ],
    [
      'reward "D" on invoice.paid when "D1110" in invoice.codes and invoice.total > $100 and member.points >= 50 { award 5 points }',
      "Patients get 5 points when an invoice is paid, if the invoice's billing codes include “D1110” and the invoice total is more than $100 and their balance before this event is at least 50 points",
    ],
    [
      'earn "E" on invoice.paid { minimum $20 }',
      "“E” is not finished: say how many points each dollar amount earns (for example 1 point per $10)",
    ],
  ])("in plain English, with the catalog's coupon names: %s", (src, text) => {
    const r = parse(src).ast.rules[0]!;
    const said = describeRule(r, { couponNames: new Map([["ten-off", "$10 off your next visit"]]) });
    expect(said).toBe(text);
    // No field path, operator, code or "incomplete" marker reaches a person.
    expect(said).not.toMatch(/\b(member|visit|invoice|activity|qr)\.[a-z_]+|>=|<=|!=| = |incomplete|ten-off|movie-ticket/);
  });
});

describe("explainAward and awardKey", () => {
  it("explains earn, total spend, reward, manual and milestone awards with their numbers", () => {
    const src = `earn "Spend" on invoice.paid { rate 1 point per $10 minimum $20 }
earn "Total" on invoice.paid { rate 1 point per $10 mode total_spend }
reward "Bonus" on invoice.paid { award 5 points accumulate yes }
reward "Ask" manual { award 7 points prompt "?" }
milestone "M" limited { phase "P" after 1 perfect surveys award 3 points }`;
    const program = compile(check(src).ast);
    const state = initialState();
    const out: Effect[] = [];
    const base = { at: "2026-01-01T00:00:00Z", member: "m1" };
    applyEvent(
      program,
      state,
      { ...base, id: "e1", type: "invoice.paid", invoice: { id: "i1", lines: [{ code: "A", amount: "25.00" }] } },
      out,
    );
    applyEvent(program, state, { ...base, id: "e2", type: "action.completed", action: { name: "Ask", response: "yes" } }, out);
    applyEvent(program, state, { ...base, id: "e3", type: "action.approved", action: { name: "Ask" } }, out);
    applyEvent(program, state, { ...base, id: "e4", type: "survey.submitted", survey: { answers: [true] } }, out);
    const texts = out.filter((e): e is AwardEffect => e.type === "award").map(explainAward);
    expect(texts).toEqual([
      "Spend: $25 of eligible spend at 1 per $10 = 2 points (minimum $20 met)",
      "Total: total spend $25 (this invoice $25) at 1 per $10 = 2 points, less 0 already settled = 2",
      "Bonus: 5 points on invoice.paid",
      "Ask: 7 points, request e2 approved (answer: yes)",
      'M: 1 perfect surveys, phase "P" achieved = 3 points',
    ]);
    expect(awardKey({ event: "e1", rule: "Spend", member: "m1" })).toBe('["e1","Spend","m1"]');
  });
});

describe("describeRule and describeDeclaration: the SPEC 7 constructs", () => {
  const src = `expire points 12 months after earning
tiers by spend over 12 months { tier "Member" from $0 tier "Gold" from $1,000 multiplier 1.25 }
earn "Spend points" on invoice.paid { rate 1 point per $10 cap 500 points per day available after 14 days }
reward "Birthday month visit" on visit.checked_in when event.month = member.birth_month { award 50 points and coupon "birthday-treat" for 30 days limit once per year }
reward "Tuesday double" on invoice.paid when event.weekday = "tuesday" and member.tier = "Gold" { award 25 points }
reward "Holiday season" on visit.checked_in { award 20 points during every year 12-15 to 01-05 }
milestone "Braces journey" limited when member has tag "braces" { phase "Bracket Buddy" after 5 perfect surveys award 200 points }`;
  const r = check(src);
  it("says each in plain English", () => {
    expect(r.ast.declarations!.map((d) => describeDeclaration(d))).toEqual([
      "Points expire 12 months after they are earned (the oldest are spent first)",
      "Tiers by eligible spend over the last 12 months: “Member” from $0, “Gold” from $1,000, spend points ×1.25",
    ]);
    expect(r.ast.rules.map((x) => describeRule(x))).toEqual([
      "Patients earn 1 point per $10 of eligible spend, per visit, at most 500 points per day; the points can be spent 14 days after they are earned",
      "Patients get 50 points and the coupon “Birthday treat” (valid for 30 days) when they check in, if it is their birthday month, once per year",
      "Patients get 25 points when an invoice is paid, if it is a Tuesday and their tier is “Gold”",
      "Patients get 20 points when they check in, every year from December 15 to January 5",
      "Phases (counting only surveys when they have the tag “braces”): “Bracket Buddy” after 5 perfect surveys (200 points)",
    ]);
    expect(describeDeclaration(parse("expire points after 18 months without activity").ast.declarations![0]!)).toBe(
      "All points expire after 18 months without earning or redeeming",
    );
  });
});
