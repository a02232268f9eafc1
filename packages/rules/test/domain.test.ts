// The shared domain rules: one definition each, for core, the API and the apps.
import { describe, expect, test } from "vitest";
import {
  balanceForPatient,
  compile,
  failsCardCheck,
  ISSUED_CARD_DIGITS,
  isFullPhone,
  isLuhnValid,
  luhnCheckDigit,
  milestonesOf,
  normalizeCardNumber,
  normalizePhone,
  parse,
  patientVisibility,
  pointsGiven,
} from "../src/index.ts";

describe("normalizePhone", () => {
  test.each([
    ["(312) 555-0100", "3125550100"],
    ["312.555.0100", "3125550100"],
    ["+1 312 555 0100", "3125550100"], // NANP country code dropped
    ["1-312-555-0100", "3125550100"],
    ["13125550100", "3125550100"],
    ["23125550100", "23125550100"], // 11 digits not starting with 1: kept as typed
    ["5550100", "5550100"], // partial numbers (searches) keep their digits
    ["1555", "1555"], // a short search starting with 1 is not a country code
    ["", ""],
  ])("%j -> %j", (raw, want) => {
    expect(normalizePhone(raw)).toBe(want);
  });

  test("a full phone is 10 digits once normalised", () => {
    expect(isFullPhone("+1 (312) 555-0100")).toBe(true);
    expect(isFullPhone("312-555-0100")).toBe(true);
    expect(isFullPhone("555-0100")).toBe(false);
    expect(isFullPhone("2 312 555 0100")).toBe(false);
  });
});

describe("normalizeCardNumber", () => {
  test.each([
    ["40000007", "40000007"],
    ["  4000-0021 ", "40000021"],
    ["4000 1234-5678", "400012345678"],
    ["%B4000 0007^BELL/ANA^2512?", "40000007"], // track 1 of a magnetic swipe
    ["%4000123456^BELL/ANA^2512?", "4000123456"], // track 1 without the format code
    [";40000014=25121010000?", "40000014"], // track 2
    [";40000014?", "40000014"],
    ["1234", "1234"],
    ["123", null], // too short
    ["1".repeat(33), null], // too long
    ["%B^^?", null], // a swipe with no number
    ["abc", null],
  ])("%j -> %j", (raw, want) => {
    expect(normalizeCardNumber(raw)).toBe(want);
  });
});

describe("card check digit (Luhn)", () => {
  test("the textbook numbers", () => {
    expect(luhnCheckDigit("7992739871")).toBe(3);
    expect(isLuhnValid("79927398713")).toBe(true);
    expect(isLuhnValid("79927398710")).toBe(false);
    expect(isLuhnValid("4111111111111111")).toBe(true);
    expect(isLuhnValid("")).toBe(false);
    expect(isLuhnValid("12a4")).toBe(false);
  });
  test("only numbers of the issued length are refused by their check digit", () => {
    const payload = "123456789012";
    const good = payload + luhnCheckDigit(payload);
    const bad = payload + ((luhnCheckDigit(payload) + 1) % 10);
    expect(good).toHaveLength(ISSUED_CARD_DIGITS);
    expect(failsCardCheck(good)).toBe(false);
    expect(failsCardCheck(bad)).toBe(true);
    expect(failsCardCheck("40000007")).toBe(false); // an older card: looked up as it is
  });
});

describe("pointsGiven", () => {
  const outcome = {
    awards: [
      { member: "m1", points: 10 },
      { member: "m2", points: 5 },
      { member: "m1", points: 3 },
    ],
  };
  test("sums the member's awards only", () => {
    expect(pointsGiven(outcome, "m1")).toBe(13);
    expect(pointsGiven(outcome, "m2")).toBe(5);
    expect(pointsGiven(outcome, "m3")).toBe(0);
  });
  test("with no member, every recipient's", () => {
    expect(pointsGiven(outcome)).toBe(18);
    expect(pointsGiven(outcome, null)).toBe(18);
    expect(pointsGiven({ awards: [] }, "m1")).toBe(0);
  });
});

describe("patientVisibility (SPEC: status on / test / off)", () => {
  test.each([
    ["on", { showBalance: true, canRedeem: true, paused: false }],
    ["test", { showBalance: false, canRedeem: false, paused: false }],
    ["off", { showBalance: true, canRedeem: false, paused: true }],
  ] as const)("%s", (status, want) => {
    expect(patientVisibility(status)).toEqual(want);
  });
  test("balanceForPatient hides the balance in test mode only", () => {
    expect(balanceForPatient("on", 120)).toBe(120);
    expect(balanceForPatient("off", 120)).toBe(120);
    expect(balanceForPatient("test", 120)).toBeNull();
  });
});

describe("milestonesOf", () => {
  const source =
    'milestone "Braces journey" limited { phase "Bracket Buddy" after 2 perfect surveys award 10 points phase "Smile Star" after 3 perfect surveys award 20 points }\n' +
    'milestone "Checkups" unlimited { every 4 perfect surveys award 5 points }\n';
  const parsed = parse(source);
  expect(parsed.diagnostics).toEqual([]);
  const program = compile(parsed.ast!);

  test("no state yet: the start of every program", () => {
    const [braces, checkups] = milestonesOf(program, null);
    expect(braces).toMatchObject({
      name: "Braces journey",
      program: "limited",
      nextPhase: "Bracket Buddy",
      tally: 0,
      target: 2,
      phasesDone: 0,
      phasesTotal: 2,
      prizePoints: 10,
      finished: false,
    });
    expect(checkups).toMatchObject({
      name: "Checkups",
      program: "unlimited",
      nextPhase: null,
      tally: 0,
      target: 4,
      phasesTotal: 0,
      finished: false,
    });
  });

  test("mid-way through a limited program", () => {
    const [braces] = milestonesOf(program, { milestones: { "Braces journey": { tally: 1, phase: 1, achieved: ["Bracket Buddy"] } } });
    expect(braces).toMatchObject({
      nextPhase: "Smile Star",
      tally: 1,
      target: 3,
      phasesDone: 1,
      achieved: ["Bracket Buddy"],
      finished: false,
    });
  });

  test("all phases done: finished, no next phase, the bar full", () => {
    const [braces] = milestonesOf(program, {
      milestones: { "Braces journey": { tally: 0, phase: 2, achieved: ["Bracket Buddy", "Smile Star"] } },
    });
    expect(braces).toMatchObject({ nextPhase: null, tally: 3, target: 3, phasesDone: 2, phasesTotal: 2, finished: true });
  });

  test("an unlimited program never finishes", () => {
    const [, checkups] = milestonesOf(program, { milestones: { Checkups: { tally: 3, phase: 7, achieved: [] } } });
    expect(checkups).toMatchObject({ tally: 3, target: 4, phasesDone: 0, finished: false });
  });
});
