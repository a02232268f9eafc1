// The scenario file of `tally simulate` (SPEC section 6), validated field by field so a
// malformed file gets a message naming the exact place, not a stack trace.
import { eventsByName } from "../check/catalog.ts";
import { parseCents } from "../engine/engine.ts";
import type { EngineEvent, ProgramStatus } from "../engine/types.ts";
import { isValidDate } from "../parser/parse.ts";
import { isValidTimezone } from "../time.ts";

export interface ScenarioMember {
  id: string;
  birthday?: string;
  tags?: string[];
  registered?: boolean;
  /** Excluded from rewards (SPEC 3, inducement guardrails). */
  excluded?: boolean;
}

export interface Scenario {
  timezone?: string;
  status?: ProgramStatus;
  eligible?: "all" | string[];
  coupons?: string[];
  members?: ScenarioMember[];
  rules: string;
  events: EngineEvent[];
  /** SPEC 7: expirations are applied up to this ISO instant (default: the last event's `at`). */
  now?: string;
}

export class ScenarioError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`the scenario is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const AMOUNT = /^-?\d+(,\d{3})*(\.\d{1,2})?$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Throws ScenarioError listing every problem; returns the scenario typed. */
export function validateScenario(input: unknown): Scenario {
  const problems: string[] = [];
  const bad = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(input)) throw new ScenarioError(["the file must hold one JSON object"]);
  const s = input;
  if (typeof s.rules !== "string") bad("rules", "must be a text (the rule set)");
  if (!Array.isArray(s.events)) bad("events", "must be a list");
  if (s.timezone !== undefined && (typeof s.timezone !== "string" || !isValidTimezone(s.timezone)))
    bad("timezone", `${JSON.stringify(s.timezone)} is not an IANA timezone like "America/Chicago"`);
  if (s.status !== undefined && s.status !== "on" && s.status !== "off" && s.status !== "test")
    bad("status", 'must be "on", "off" or "test"');
  if (s.eligible !== undefined && s.eligible !== "all" && !(Array.isArray(s.eligible) && s.eligible.every((c) => typeof c === "string")))
    bad("eligible", 'must be "all" or a list of billing codes');
  if (s.coupons !== undefined && !(Array.isArray(s.coupons) && s.coupons.every((c) => typeof c === "string")))
    bad("coupons", "must be a list of coupon names");
  if (s.now !== undefined && (typeof s.now !== "string" || !ISO.test(s.now) || Number.isNaN(Date.parse(s.now))))
    bad("now", `${JSON.stringify(s.now)} is not a date-time like "2026-03-02T15:00:00Z"`);
  if (s.members !== undefined) {
    if (!Array.isArray(s.members)) bad("members", "must be a list");
    else
      s.members.forEach((m, i) => {
        const w = `members[${i}]`;
        if (!isObject(m) || typeof m.id !== "string" || m.id === "") {
          bad(w, "needs an id (text)");
          return;
        }
        if (m.birthday !== undefined && m.birthday !== null && (typeof m.birthday !== "string" || !isValidDate(m.birthday)))
          bad(`${w}.birthday`, "must be a date YYYY-MM-DD");
        if (m.tags !== undefined && !(Array.isArray(m.tags) && m.tags.every((t) => typeof t === "string")))
          bad(`${w}.tags`, "must be a list of texts");
        if (m.registered !== undefined && typeof m.registered !== "boolean") bad(`${w}.registered`, "must be true or false");
        if (m.excluded !== undefined && typeof m.excluded !== "boolean") bad(`${w}.excluded`, "must be true or false");
      });
  }
  if (Array.isArray(s.events)) {
    s.events.forEach((e, i) => {
      validateEvent(e, `events[${i}]`, bad);
    });
  }
  if (problems.length) throw new ScenarioError(problems);
  return s as unknown as Scenario;
}

function validateEvent(e: unknown, w: string, bad: (where: string, what: string) => void): void {
  if (!isObject(e)) {
    bad(w, "must be an object");
    return;
  }
  if (typeof e.id !== "string" || e.id === "") bad(`${w}.id`, "needs an id (text)");
  if (typeof e.member !== "string" || e.member === "") bad(`${w}.member`, "needs a member id (text)");
  if (typeof e.at !== "string" || !ISO.test(e.at) || Number.isNaN(Date.parse(e.at)))
    bad(`${w}.at`, `${JSON.stringify(e.at)} is not a date-time like "2026-03-02T15:00:00Z"`);
  if (typeof e.type !== "string" || !eventsByName.has(e.type)) {
    bad(`${w}.type`, `${JSON.stringify(e.type)} is not an event; events: ${[...eventsByName.keys()].join(", ")}`);
    return;
  }
  const need = (key: string): Record<string, unknown> | null => {
    const v = e[key];
    if (!isObject(v)) {
      bad(`${w}.${key}`, `a ${e.type} event needs "${key}": { ... }`);
      return null;
    }
    return v;
  };
  const optionalObject = (key: string, fields: Record<string, "string" | "number" | "boolean">) => {
    const v = e[key];
    if (v === undefined) return;
    if (!isObject(v)) return bad(`${w}.${key}`, "must be an object");
    for (const [f, t] of Object.entries(fields))
      if (v[f] !== undefined && typeof v[f] !== t) bad(`${w}.${key}.${f}`, `must be a ${t === "string" ? "text" : t}`);
  };
  switch (e.type) {
    case "invoice.paid": {
      const inv = need("invoice");
      if (!inv) break;
      if (typeof inv.id !== "string" || inv.id === "") bad(`${w}.invoice.id`, "needs an invoice id (text)");
      if (inv.lines === undefined) break;
      if (!Array.isArray(inv.lines)) {
        bad(`${w}.invoice.lines`, "must be a list");
        break;
      }
      inv.lines.forEach((l, j) => {
        const lw = `${w}.invoice.lines[${j}]`;
        if (!isObject(l)) {
          bad(lw, "must be an object { code, amount }");
          return;
        }
        if (typeof l.code !== "string") bad(`${lw}.code`, "must be a billing code (text)");
        const okAmount = typeof l.amount === "string" ? AMOUNT.test(l.amount) : typeof l.amount === "number" && Number.isFinite(l.amount);
        if (!okAmount || Number.isNaN(parseCents(l.amount as string)))
          bad(`${lw}.amount`, `${JSON.stringify(l.amount)} is not an amount like "15.00"`);
      });
      break;
    }
    case "invoice.voided": {
      const inv = need("invoice");
      if (inv && (typeof inv.id !== "string" || inv.id === "")) bad(`${w}.invoice.id`, "needs the voided invoice's id");
      break;
    }
    case "action.completed":
    case "action.approved":
    case "action.rejected": {
      const a = need("action");
      if (a && typeof a.name !== "string") bad(`${w}.action.name`, "needs the manual reward's name");
      if (a && a.response !== undefined && typeof a.response !== "string") bad(`${w}.action.response`, "must be a text");
      break;
    }
    case "points.redeemed": {
      const r = need("redemption");
      if (r && !(Number.isInteger(r.points) && (r.points as number) > 0)) bad(`${w}.redemption.points`, "must be a whole number above 0");
      break;
    }
    case "points.adjusted": {
      const a = need("adjustment");
      if (a && !Number.isInteger(a.points)) bad(`${w}.adjustment.points`, "must be a whole number (negative to deduct)");
      break;
    }
    case "referral.converted":
      optionalObject("referral", { referrer: "string", campaign: "string" });
      break;
    case "survey.submitted": {
      const sv = e.survey;
      if (sv === undefined) break;
      if (!isObject(sv) || (sv.answers !== undefined && !(Array.isArray(sv.answers) && sv.answers.every((a) => typeof a === "boolean"))))
        bad(`${w}.survey.answers`, "must be a list of true/false");
      break;
    }
    case "visit.checked_in":
      optionalObject("visit", { method: "string" });
      break;
    case "consent.given":
      optionalObject("consent", { kind: "string", full: "boolean" });
      break;
    case "review.posted":
      optionalObject("review", { rating: "number", platform: "string" });
      break;
    case "qr.scanned":
      optionalObject("qr", { code: "string" });
      break;
    case "marketplace.participated":
      optionalObject("activity", { kind: "string", id: "string" });
      break;
    default:
      break;
  }
}
