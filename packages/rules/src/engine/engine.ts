// The pure evaluation engine (SPEC section 5): program + state + event -> effects + new state.
// `applyEvent` is the in-place core that the simulator and the benchmark run; `evaluate` wraps
// it without touching its input (it copies only the members the event touches).
import type {
  CompiledDuring,
  CompiledEarn,
  CompiledMilestone,
  CompiledPrize,
  CompiledReward,
  CompiledTier,
  Program,
} from "../compile/compile.ts";
import { surveyFacts } from "../compile/fields.ts";
import { addDuration, weekStart } from "../time.ts";
import { EvalContext, type InvoiceFacts } from "./context.ts";
import type {
  AwardEffect,
  AwardRecord,
  Effect,
  EngineEvent,
  EngineState,
  EvaluateResult,
  InvoiceLine,
  InvoiceRecord,
  Lot,
  MemberProfile,
  MemberState,
  Why,
} from "./types.ts";

/** 2^53 − 1: every amount stays an exact integer (SPEC 7). */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
/** An invoice whose total is over $10,000,000 is refused with amount_out_of_range. */
export const MAX_INVOICE_CENTS = 1_000_000_000;
/** Above this, an event is run on a copy of its members' states and refused if an amount leaves the range. */
const RISK = 2 ** 50;

export function initialState(): EngineState {
  return { members: {}, processed: {} };
}

export function initialMemberState(profile: MemberProfile = {}): MemberState {
  return {
    balance: 0,
    paidInvoices: 0,
    lifetimeSpend: 0,
    registered: profile.registered ?? false,
    tags: [...(profile.tags ?? [])],
    birthday: profile.birthday ?? null,
    basis: {},
    settled: {},
    invoices: {},
    limits: {},
    milestones: {},
    pending: [],
    windows: {},
    ...(profile.excluded === true ? { excluded: true } : {}),
  };
}

/** The members whose state an event reads or writes: load these (and only these) from storage. */
export function membersTouchedBy(event: EngineEvent): string[] {
  const referrer = event.type === "referral.converted" ? event.referral?.referrer : undefined;
  return referrer && referrer !== event.member ? [event.member, referrer] : [event.member];
}

/**
 * Evaluate one event. Pure: `state` is not modified; the returned state shares every member the
 * event did not touch. `state` may hold just the touched members and just this event's id in
 * `processed` (when it was seen before): that is all the engine reads.
 */
export function evaluate(program: Program, state: EngineState, event: EngineEvent): EvaluateResult {
  const members = { ...state.members };
  for (const id of membersTouchedBy(event)) {
    const m = members[id];
    if (m) members[id] = structuredClone(m);
  }
  const next: EngineState = { members, processed: { ...state.processed } };
  const effects: Effect[] = [];
  applyEvent(program, next, event, effects);
  return { effects, state: next };
}

/** Sort events the way the engine must see them: by `at`, ties in input order. */
export function orderEvents<E extends { at: string }>(events: readonly E[]): E[] {
  return events
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

function memberOf(s: EngineState, id: string): MemberState {
  let m = s.members[id];
  if (!m) {
    m = initialMemberState();
    s.members[id] = m;
  }
  return m;
}

/** The in-place core: applies `event` to `state`, appending what happened to `out`. */
export function applyEvent(p: Program, s: EngineState, ev: EngineEvent, out: Effect[]): void {
  if (s.processed[ev.id] === true) return;
  s.processed[ev.id] = true;
  const m = memberOf(s, ev.member);
  const at = p.timed ? Date.parse(ev.at) : Number.NaN;
  const referrer = ev.type === "referral.converted" ? ev.referral?.referrer : undefined;
  // Expirations due at or before the event come first: an event never sees points due to expire.
  if (p.expire !== null && p.status !== "off") {
    expireDue(p, m, ev.member, at, out, ev.id);
    const rm = referrer !== undefined && referrer !== ev.member ? s.members[referrer] : undefined;
    if (rm !== undefined) expireDue(p, rm, referrer!, at, out, ev.id);
  }
  let facts: InvoiceFacts | null = null;
  let risky = Math.abs(m.balance) > RISK - p.maxFixedPoints;
  if (ev.type === "invoice.paid") {
    facts = invoiceFacts(p, ev.invoice!.id, ev.invoice!.lines ?? []);
    if (facts.absMax > MAX_INVOICE_CENTS || Math.abs(facts.total) > MAX_INVOICE_CENTS || Number.isNaN(facts.total)) {
      out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "amount_out_of_range" });
      return;
    }
    let basis = facts.absSum;
    if (p.totalSpendRules.length > 0) for (const r of p.totalSpendRules) basis = Math.max(basis, (m.basis[r.name] ?? 0) + facts.absSum);
    if (basis * p.maxPointsPerCent > RISK / 4) risky = true;
  } else if (ev.type === "points.adjusted") {
    const pts = ev.adjustment?.points ?? 0;
    if (Math.abs(pts) > MAX_AMOUNT || (Number.isInteger(pts) && !Number.isSafeInteger(m.balance + pts))) {
      out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "amount_out_of_range" });
      return;
    }
  } else if (referrer !== undefined) {
    const rm = s.members[referrer];
    if (rm !== undefined && Math.abs(rm.balance) > RISK - p.maxFixedPoints) risky = true;
  }
  if (!risky) {
    processEvent(p, s, m, ev, at, facts, out);
    return;
  }
  // Near the edge of exact integers: run on copies, refuse the whole event if an amount leaves the range.
  const ids = membersTouchedBy(ev);
  const saved = ids.map((id) => [id, s.members[id] === undefined ? undefined : structuredClone(s.members[id])] as const);
  const mark = out.length;
  processEvent(p, s, m, ev, at, facts === null ? null : { ...facts }, out);
  let inRange = ids.every((id) => s.members[id] === undefined || Number.isSafeInteger(s.members[id]!.balance));
  for (let i = mark; i < out.length && inRange; i++) {
    const e = out[i]!;
    if ("points" in e && typeof e.points === "number" && !Number.isSafeInteger(e.points)) inRange = false;
  }
  if (inRange) return;
  for (const [id, copy] of saved) {
    if (copy === undefined) delete s.members[id];
    else s.members[id] = copy;
  }
  out.length = mark;
  out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "amount_out_of_range" });
}

function processEvent(
  p: Program,
  s: EngineState,
  m: MemberState,
  ev: EngineEvent,
  at: number,
  facts: InvoiceFacts | null,
  out: Effect[],
): void {
  if (p.tiers !== null) tierStep(p, m, ev, at, out);
  switch (ev.type) {
    case "invoice.voided":
      voidInvoice(p, m, ev, out);
      break;
    case "points.redeemed":
      redeem(p, m, ev, at, out);
      break;
    case "points.adjusted":
      adjust(p, m, ev, at, out);
      break;
    case "action.completed":
    case "action.approved":
    case "action.rejected":
      manual(p, m, ev, at, out);
      break;
    default:
      ruleEvent(p, s, m, ev, at, facts, out);
  }
  if (p.tiers?.by === "visits" && ev.type === "visit.checked_in") {
    m.visitTimes ??= [];
    m.visitTimes.push(at);
  }
  if (p.instants.length > 0) {
    instants(p, m, ev, ev.member, out);
    const referrer = ev.type === "referral.converted" ? ev.referral?.referrer : undefined;
    if (referrer !== undefined && referrer !== ev.member && s.members[referrer] !== undefined)
      instants(p, s.members[referrer], ev, referrer, out);
  }
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic

/** floor(a × b ÷ c) for non-negative integers, exact beyond 2^53 (BigInt only when needed). */
export function mulDivFloor(a: number, b: number, c: number): number {
  const x = a * b;
  if (x <= MAX_AMOUNT) return Math.floor(x / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** floor(points × multiplier) with the multiplier in hundredths: decimal arithmetic, never floating point. */
function multiply(points: number, hundredths: number): number {
  return hundredths === 100 ? points : mulDivFloor(points, hundredths, 100);
}

const iso = (ms: number): string => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// Tiers (SPEC 7, step 2a)

/** The tier whose threshold is the highest at or below `value` (tiers are sorted, the first from 0). */
function tierFor(tiers: readonly CompiledTier[], value: number): CompiledTier {
  let t = tiers[0]!;
  for (const x of tiers) if (x.from <= value) t = x;
  return t;
}

/** The qualifying value over the trailing window (at − N months, at], counting what the state holds so far. */
export function qualifyingValue(p: Program, m: MemberState, at: number): number {
  const t = p.tiers;
  if (t === null) return 0;
  const from = p.clock.addMonths(at, -t.months);
  let sum = 0;
  if (t.by === "spend") {
    for (const id in m.invoices) {
      const r = m.invoices[id]!;
      if (r.voided !== true && r.at !== undefined && r.at > from && r.at <= at) sum += r.eligible;
    }
  } else if (t.by === "points") {
    for (const a of m.tierAwards ?? []) if (a.at > from && a.at <= at) sum += a.points;
  } else {
    const days = new Set<string>();
    for (const v of m.visitTimes ?? []) if (v > from && v <= at) days.add(p.clock.date(v));
    sum = days.size;
  }
  return sum;
}

/** The member's tier as of an instant (apps show the tier as of now): name, value, and what the next tier needs. */
export function tierStatus(
  p: Program,
  m: MemberState,
  at: number,
): { tier: string; value: number; next: { tier: string; from: number; needed: number } | null } | null {
  if (p.tiers === null) return null;
  const value = qualifyingValue(p, m, at);
  const tier = tierFor(p.tiers.tiers, value);
  const next = p.tiers.tiers.find((x) => x.from > value);
  return { tier: tier.name, value, next: next ? { tier: next.name, from: next.from, needed: next.from - value } : null };
}

function tierStep(p: Program, m: MemberState, ev: EngineEvent, at: number, out: Effect[]): void {
  const value = qualifyingValue(p, m, at);
  const tier = tierFor(p.tiers!.tiers, value).name;
  if (tier === m.tier) return;
  out.push({ type: "tier", event: ev.id, member: ev.member, tier, from: m.tier ?? null, value });
  m.tier = tier;
}

function multiplierOf(p: Program, m: MemberState): number {
  if (p.tiers === null || m.tier === undefined) return 100;
  for (const t of p.tiers.tiers) if (t.name === m.tier) return t.hundredths;
  return 100;
}

// ---------------------------------------------------------------------------------------------
// Lots and expiry (SPEC 7)

/** Applies every expiration of this member due at or before `until` (ms), in order of due instant. */
export function expireDue(p: Program, m: MemberState, memberId: string, until: number, out: Effect[], eventId = ""): void {
  const ex = p.expire;
  if (ex === null || p.status === "off") return;
  if (ex.mode === "after_earning") {
    const lots = m.lots;
    if (lots === undefined) return;
    while (lots.length > 0 && lots[0]!.exp <= until) {
      const lot = lots.shift()!;
      const x = Math.min(lot.left, Math.max(0, m.balance));
      if (x <= 0) continue;
      m.balance -= x;
      out.push({
        type: "expiration",
        event: eventId,
        member: memberId,
        points: -x,
        at: iso(lot.exp),
        why: { kind: "lot", earned: iso(lot.at), awarded: lot.left },
      });
    }
    return;
  }
  if (m.lastActivity === undefined || m.lastActivity === null) return;
  const due = p.clock.addMonths(m.lastActivity, ex.months);
  if (due > until) return;
  const last = m.lastActivity;
  m.lastActivity = null;
  const x = Math.max(0, m.balance);
  if (x <= 0) return;
  m.balance -= x;
  out.push({
    type: "expiration",
    event: eventId,
    member: memberId,
    points: -x,
    at: iso(due),
    why: { kind: "inactivity", lastActivity: iso(last) },
  });
}

/** When this member's next expiration is due (ms), or Infinity. */
export function nextExpiry(p: Program, m: MemberState): number {
  const ex = p.expire;
  if (ex === null) return Number.POSITIVE_INFINITY;
  if (ex.mode === "after_earning") return m.lots?.[0]?.exp ?? Number.POSITIVE_INFINITY;
  return m.lastActivity === undefined || m.lastActivity === null ? Number.POSITIVE_INFINITY : p.clock.addMonths(m.lastActivity, ex.months);
}

/** The points that will expire next, soonest first (what apps show): each lot's remainder, or the balance after inactivity. */
export function upcomingExpirations(p: Program, m: MemberState, limit = 3): { points: number; at: string }[] {
  const ex = p.expire;
  if (ex === null || m.balance <= 0) return [];
  if (ex.mode === "inactivity") {
    const due = nextExpiry(p, m);
    return Number.isFinite(due) ? [{ points: m.balance, at: iso(due) }] : [];
  }
  const result: { points: number; at: string }[] = [];
  let balance = m.balance;
  for (const lot of m.lots ?? []) {
    if (result.length >= limit || balance <= 0) break;
    const x = Math.min(lot.left, balance);
    balance -= x;
    if (x > 0) result.push({ points: x, at: iso(lot.exp) });
  }
  return result;
}

/**
 * Points that would expire by `until` if the program were on (what the admin app tells before
 * switching a program back on: lots that fell due while it was off expire then). The state is not changed.
 */
export function pointsDueToExpire(p: Program, m: MemberState, until: number): number {
  if (p.expire === null) return 0;
  const out: Effect[] = [];
  expireDue({ ...p, status: "on" }, structuredClone(m), "", until, out);
  let sum = 0;
  for (const e of out) if (e.type === "expiration") sum -= e.points;
  return sum;
}

/**
 * Points returned to a member outside the events (a cancelled order's refund, SPEC 7): the balance
 * grows, and under `expire` they are a new lot dated at the refund and count as activity.
 */
export function creditPoints(p: Program, m: MemberState, at: number, points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0) return;
  m.balance += points;
  if (p.expire !== null) openLot(p, m, at, points);
}

/** What every positive award does under expiry: open a lot, count as activity. Returns the lot id. */
function openLot(p: Program, m: MemberState, at: number, points: number): number | undefined {
  const ex = p.expire!;
  if (ex.mode === "inactivity") {
    if (m.lastActivity === undefined || m.lastActivity === null || at > m.lastActivity) m.lastActivity = at;
    return undefined;
  }
  const id = (m.lotSeq ?? 0) + 1;
  m.lotSeq = id;
  const lot: Lot = { id, at, exp: p.clock.addMonths(at, ex.months), left: points };
  m.lots ??= [];
  const lots = m.lots;
  // Earliest expiry first, ties the earlier award: a late event's lot goes to its place.
  let i = lots.length;
  while (i > 0 && (lots[i - 1]!.exp > lot.exp || (lots[i - 1]!.exp === lot.exp && lots[i - 1]!.at > lot.at))) i--;
  lots.splice(i, 0, lot);
  return id;
}

/** Takes points from the lots: the given lot first (a reversal's own award), then the earliest expiry. */
function consumeLots(m: MemberState, points: number, first?: number): void {
  const lots = m.lots;
  if (lots === undefined || points <= 0) return;
  let rest = points;
  if (first !== undefined) {
    const i = lots.findIndex((l) => l.id === first);
    if (i >= 0) {
      const take = Math.min(rest, lots[i]!.left);
      lots[i]!.left -= take;
      rest -= take;
      if (lots[i]!.left === 0) lots.splice(i, 1);
    }
  }
  while (rest > 0 && lots.length > 0) {
    const take = Math.min(rest, lots[0]!.left);
    lots[0]!.left -= take;
    rest -= take;
    if (lots[0]!.left === 0) lots.shift();
  }
}

// ---------------------------------------------------------------------------------------------
// Money

/** "1,250.50" / "15" / 12.5 -> cents. Returns NaN for anything else. */
export function parseCents(amount: string | number): number {
  if (typeof amount === "number") return Number.isFinite(amount) ? Math.round(amount * 100) : Number.NaN;
  let i = 0;
  let neg = false;
  if (amount.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let whole = 0;
  let digits = 0;
  for (; i < amount.length; i++) {
    const c = amount.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      digits++;
    } else if (c !== 44) break; // thousands commas are fine
  }
  if (digits === 0) return Number.NaN;
  let cents = whole * 100;
  if (i < amount.length) {
    if (amount.charCodeAt(i) !== 46) return Number.NaN;
    const frac = amount.length - i - 1;
    if (frac < 1 || frac > 2) return Number.NaN;
    const d1 = amount.charCodeAt(i + 1) - 48;
    const d2 = frac === 2 ? amount.charCodeAt(i + 2) - 48 : 0;
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return Number.NaN;
    cents += d1 * 10 + d2;
  }
  return neg ? -cents : cents;
}

/**
 * An invoice's lines as a short signature: the same lines in any order (amounts compared in
 * cents) give the same one. Total cents, line count and a 32-bit FNV-1a hash of the sorted lines.
 */
export function linesSignature(lines: readonly InvoiceLine[]): string {
  const parts = lines.map((l) => `${l.code}\u0000${parseCents(l.amount)}`).sort();
  let h = 0x811c9dc5;
  let total = 0;
  for (const l of lines) total += parseCents(l.amount);
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      h ^= part.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x1e;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${total}.${lines.length}.${h.toString(36)}`;
}

/** Reused for every invoice (the engine is synchronous): one allocation less on the hot path. */
const scratchFacts: InvoiceFacts = { id: "", total: 0, eligible: 0, lines: [], codes: null, absSum: 0, absMax: 0 };

function invoiceFacts(p: Program, id: string, lines: readonly InvoiceLine[]): InvoiceFacts {
  const eligibleCodes = p.eligible;
  let total = 0;
  let eligible = 0;
  let absSum = 0;
  let absMax = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const cents = parseCents(l.amount);
    total += cents;
    if (eligibleCodes === null || eligibleCodes.has(l.code)) eligible += cents;
    const abs = cents < 0 ? -cents : cents;
    absSum += abs;
    if (abs > absMax) absMax = abs;
  }
  const f = scratchFacts;
  f.absSum = absSum;
  f.absMax = Number.isNaN(absSum) ? Number.POSITIVE_INFINITY : absMax;
  f.id = id;
  f.total = total;
  f.eligible = eligible;
  f.lines = lines;
  f.codes = null;
  return f;
}

function basisOf(rule: CompiledEarn, f: InvoiceFacts): number {
  if (rule.items === "eligible") return f.eligible;
  if (rule.items === "all") return f.total;
  let sum = 0;
  for (const l of f.lines) if (rule.codes!.has(l.code)) sum += parseCents(l.amount);
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Rule events

function inDuring(r: { during: CompiledDuring | null }, c: EvalContext): boolean {
  const w = r.during;
  if (w === null) return true;
  const d = c.date;
  if (w.yearly !== true) return d >= w.from && d <= w.to;
  // Month-days: [from, to], wrapping through 12-31 when to < from.
  const md = d.slice(5);
  return w.from <= w.to ? md >= w.from && md <= w.to : md >= w.from || md <= w.to;
}

function capKey(rule: CompiledEarn, c: EvalContext): string | null {
  const per = rule.cap!.per;
  if (per === "invoice") return null;
  const d = c.date;
  if (per === "day") return `${rule.name}|${d}`;
  if (per === "week") return `${rule.name}|week of ${weekStart(d)}`;
  if (per === "month") return `${rule.name}|${d.slice(0, 7)}`;
  return `${rule.name}|${d.slice(0, 4)}`;
}

function limitKey(rule: CompiledReward, c: EvalContext): string {
  const per = rule.limit!.per;
  if (per === "member") return `${rule.name}|ever`;
  const d = c.date;
  if (per === "day") return `${rule.name}|${d}`;
  if (per === "week") return `${rule.name}|week of ${weekStart(d)}`;
  if (per === "month") return `${rule.name}|${d.slice(0, 7)}`;
  return `${rule.name}|${d.slice(0, 4)}`;
}

/** Shared by invoices that awarded nothing; replaced (never mutated) on the first award. */
const NO_AWARDS: AwardRecord[] = Object.freeze([]) as unknown as AwardRecord[];

/** Exact-size arrays: most invoices get one award, and a million records add up. */
function addAward(record: InvoiceRecord, a: AwardRecord): void {
  record.awards = record.awards === NO_AWARDS || record.awards.length === 0 ? [a] : [...record.awards, a];
}

const earnedScratch: number[] = [];
const appliesScratch: boolean[] = [];
const settlesScratch: number[] = [];

interface Grant {
  memberId: string;
  member: MemberState;
  prize: CompiledPrize;
  to: "member" | "referrer";
  limitKey: string | null;
}

interface Fired {
  rule: CompiledReward;
  grants: Grant[];
  /** Points to the event's member: what better_choice compares with E. */
  size: number;
}

/** Books an award; under expiry or `tiers by points` also its lot / activity / tier entry. Returns the lot id. */
function award(
  p: Program,
  out: Effect[],
  ev: EngineEvent,
  memberId: string,
  m: MemberState,
  rule: string,
  points: number,
  why: Why,
  at: number,
): number | undefined {
  m.balance += points;
  out.push({ type: "award", event: ev.id, member: memberId, rule, points, why });
  if (p.tiers?.by === "points") {
    m.tierAwards ??= [];
    m.tierAwards.push({ at, event: ev.id, rule, points });
  }
  return p.expire === null ? undefined : openLot(p, m, at, points);
}

function coupons(out: Effect[], ev: EngineEvent, memberId: string, rule: string, names: string[], expires: string | null): void {
  for (const coupon of names) out.push({ type: "coupon", event: ev.id, member: memberId, rule, coupon, expires });
}

/** A reward's or milestone's coupons: each expires at the event's time + its own `for`, or never. */
function prizeCoupons(p: Program, out: Effect[], ev: EngineEvent, memberId: string, rule: string, prize: CompiledPrize): void {
  for (let i = 0; i < prize.coupons.length; i++) {
    const d = prize.couponFor[i];
    const expires = d ? iso(addDuration(Date.parse(ev.at), d.amount, d.unit, p.clock)) : null;
    out.push({ type: "coupon", event: ev.id, member: memberId, rule, coupon: prize.coupons[i]!, expires });
  }
}

function ruleEvent(
  p: Program,
  s: EngineState,
  m: MemberState,
  ev: EngineEvent,
  at: number,
  paid: InvoiceFacts | null,
  out: Effect[],
): void {
  let facts: InvoiceFacts | null = null;
  let record: InvoiceRecord | null = null;
  if (ev.type === "invoice.paid") {
    const inv = ev.invoice!;
    const previous = m.invoices[inv.id];
    const sig = linesSignature(inv.lines ?? []);
    if (previous !== undefined && previous.voided !== true) {
      // Paid already with the same lines (or recorded before signatures existed): nothing twice.
      if (previous.sig === undefined || previous.sig === sig) return;
      // A revision (SPEC 5): what the previous revision awarded is reversed, as a void would,
      // then the new lines are evaluated as a payment.
      voidInvoice(p, m, ev, out);
    }
    facts = paid ?? invoiceFacts(p, inv.id, inv.lines ?? []);
    m.paidInvoices += 1;
    m.lifetimeSpend += facts.eligible;
    record = { event: ev.id, total: facts.total, eligible: facts.eligible, awards: NO_AWARDS, sig };
    if (p.tiers !== null) record.at = at;
    m.invoices[inv.id] = record;
    if (p.totalSpendRules.length > 0) {
      // Filled in step 2: only invoices on which a total_spend rule's when and during hold add
      // to its lifetime basis and settle its points (SPEC 5).
      record.bases = {};
      record.settled = {};
    }
  } else if (ev.type === "member.registered") {
    m.registered = true;
  }

  const plan = p.plans.get(ev.type);
  if (plan === undefined) return;
  // Only built when a rule reads a field, a date or a limit: the common earn rule needs none.
  const c = plan.needsContext ? new EvalContext(ev, m, facts, p.clock) : (null as unknown as EvalContext);
  const off = p.status === "off";
  // An excluded member (SPEC 3): facts update as when the program is off, nothing is awarded to them.
  const excluded = m.excluded === true;

  // Step 2: earn rules. `earned[i]` is the points of plan.earns[i]; `applies[i]` whether it held.
  // Scratch arrays are reused: the engine is synchronous and never re-entered.
  const earns = plan.earns;
  const earned = earnedScratch;
  const applies = appliesScratch;
  const settles = settlesScratch;
  const mult = p.tiers === null ? 100 : multiplierOf(p, m);
  let E = 0;
  let anyEarnApplies = false;
  for (let i = 0; i < earns.length; i++) {
    const r = earns[i]!;
    const ok = facts !== null && (r.when === null || r.when(c)) && inDuring(r, c);
    applies[i] = ok;
    let pts = 0;
    if (ok && r.mode === "total_spend") {
      const b = basisOf(r, facts!);
      const lifetime = (m.basis[r.name] ?? 0) + b;
      m.basis[r.name] = lifetime;
      record!.bases![r.name] = b;
      // Settled before the multiplier; what the multiplier adds or the cap drops is not.
      pts = Math.max(0, mulDivFloor(Math.max(0, lifetime), r.rate, r.per) - (m.settled[r.name] ?? 0));
      settles[i] = pts;
    } else if (ok) {
      const basis = basisOf(r, facts!);
      pts = basis < r.minimum || basis <= 0 ? 0 : mulDivFloor(basis, r.rate, r.per);
    }
    if (pts > 0 && mult !== 100) pts = multiply(pts, mult);
    if (pts > 0 && r.cap !== null) {
      const key = capKey(r, c);
      const room = r.cap.points - (key === null ? 0 : (m.caps?.[key] ?? 0));
      if (pts > room) pts = Math.max(0, room);
    }
    earned[i] = pts;
    if (ok) {
      anyEarnApplies = true;
      E += pts;
    }
  }

  // Step 3: rewards whose when, during and limit hold.
  let fired: Fired[] | null = null;
  if (plan.hasRewards) {
    for (const r of plan.rules) {
      if (r.kind !== "reward") continue;
      if ((r.when !== null && !r.when(c)) || !inDuring(r, c)) continue;
      const grants: Grant[] = [];
      let size = 0;
      for (const a of r.awards) {
        const memberId = a.to === "referrer" ? ev.referral?.referrer : ev.member;
        if (!memberId) continue;
        const rm = memberId === ev.member ? m : memberOf(s, memberId);
        if (rm.excluded === true) continue;
        let key: string | null = null;
        if (r.limit !== null) {
          key = limitKey(r, c);
          if ((rm.limits[key] ?? 0) >= r.limit.count) continue;
        }
        grants.push({ memberId, member: rm, prize: a.prize, to: a.to, limitKey: key });
        if (memberId === ev.member) size += a.prize.points;
      }
      if (grants.length > 0) {
        fired ??= [];
        fired.push({ rule: r, grants, size });
      }
    }
  }

  // Step 4: accumulate. A `no` reward suppresses E; among better_choice rewards and E only the
  // largest stands (ties keep E, then the earliest declared rule).
  let suppressE = off || excluded;
  const standing = fired === null ? null : new Set<Fired>();
  if (fired !== null && standing !== null && !off) {
    let best: Fired | "E" | null = null;
    let bestSize = -Infinity;
    for (const f of fired) if (f.rule.accumulate === "no") suppressE = true;
    if (!suppressE && anyEarnApplies) {
      best = "E";
      bestSize = E;
    }
    for (const f of fired) {
      if (f.rule.accumulate === "better_choice") {
        if (f.size > bestSize) {
          best = f;
          bestSize = f.size;
        }
      } else standing.add(f);
    }
    if (best !== null && best !== "E") {
      standing.add(best);
      suppressE = true;
    }
  }

  // Emit in declaration order.
  let earnIndex = 0;
  for (const r of plan.rules) {
    if (r.kind === "earn") {
      const i = earnIndex++;
      const pts = earned[i]!;
      if (r.mode === "total_spend" && applies[i]) {
        const settled = settles[i]!;
        m.settled[r.name] = (m.settled[r.name] ?? 0) + settled;
        record!.settled![r.name] = settled;
      }
      if (!applies[i] || suppressE || pts <= 0) continue;
      const basis = basisOf(r, facts!);
      const why: Why =
        r.mode === "total_spend"
          ? {
              kind: "earn",
              mode: "total_spend",
              items: r.items,
              basis,
              lifetimeBasis: m.basis[r.name]!,
              rate: r.rate,
              per: r.per,
              settledBefore: m.settled[r.name]! - settles[i]!,
            }
          : { kind: "earn", mode: "per_transaction", items: r.items, basis, rate: r.rate, per: r.per, minimum: r.minimum };
      const lot = award(p, out, ev, ev.member, m, r.name, pts, why, at);
      const a: AwardRecord = { rule: r.name, points: pts };
      if (lot !== undefined) a.lot = lot;
      const effect = out[out.length - 1] as AwardEffect;
      if (mult !== 100) effect.multiplier = mult;
      if (r.cap !== null) {
        const key = capKey(r, c);
        if (key !== null) {
          m.caps ??= {};
          const caps = m.caps;
          caps[key] = (caps[key] ?? 0) + pts;
          a.capKey = key;
        }
      }
      if (r.availableAfter !== null) {
        const until = addDuration(at, r.availableAfter.amount, r.availableAfter.unit, p.clock);
        effect.available = iso(until);
        m.unavailable ??= [];
        m.unavailable.push({ until, event: ev.id, rule: r.name, points: pts });
      }
      addAward(record!, a);
    } else if (r.kind === "reward") {
      if (fired === null) continue;
      const f = fired.find((x) => x.rule === r);
      if (f === undefined || !standing!.has(f)) continue;
      for (const g of f.grants) {
        if (g.limitKey !== null) g.member.limits[g.limitKey] = (g.member.limits[g.limitKey] ?? 0) + 1;
        if (g.prize.points > 0) {
          const lot = award(
            p,
            out,
            ev,
            g.memberId,
            g.member,
            r.name,
            g.prize.points,
            {
              kind: "reward",
              on: ev.type,
              accumulate: r.accumulate,
              recipient: g.to,
            },
            at,
          );
          if (record !== null && g.memberId === ev.member) {
            const a: AwardRecord = { rule: r.name, points: g.prize.points };
            if (g.limitKey !== null) a.limitKey = g.limitKey;
            if (lot !== undefined) a.lot = lot;
            addAward(record, a);
          }
        }
        prizeCoupons(p, out, ev, g.memberId, r.name, g.prize);
      }
    } else if (!off && !excluded && ev.type === "survey.submitted" && inDuring(r, c) && (r.when === null || r.when(c))) {
      milestone(p, r, m, ev, at, out);
    }
  }
}

function milestone(p: Program, r: CompiledMilestone, m: MemberState, ev: EngineEvent, at: number, out: Effect[]): void {
  if (!surveyFacts({ event: ev }).perfect) return;
  let st = m.milestones[r.name];
  if (st === undefined) {
    st = { tally: 0, phase: 0, achieved: [] };
    m.milestones[r.name] = st;
  }
  const step = r.program === "unlimited" ? r.steps[0]! : r.steps[st.phase];
  if (step === undefined) return; // every phase achieved
  st.tally += 1;
  if (st.tally < step.count) return;
  st.tally = 0;
  if (r.program === "limited") {
    st.phase += 1;
    st.achieved.push(step.name!);
  }
  const why: Why =
    step.name === null
      ? { kind: "milestone", perfectSurveys: step.count }
      : { kind: "milestone", perfectSurveys: step.count, phase: step.name };
  if (step.prize.points > 0) award(p, out, ev, ev.member, m, r.name, step.prize.points, why, at);
  if (step.name !== null) out.push({ type: "phase", event: ev.id, member: ev.member, rule: r.name, phase: step.name });
  prizeCoupons(p, out, ev, ev.member, r.name, step.prize);
}

// ---------------------------------------------------------------------------------------------
// Instant windows (step 6)

function instants(p: Program, m: MemberState, ev: EngineEvent, memberId: string, out: Effect[]): void {
  const self = memberId === ev.member;
  const at = Date.parse(ev.at);
  let c: EvalContext | null = null;
  for (const inst of p.instants) {
    let w = m.windows[inst.name];
    if (self && ev.type === "visit.checked_in") {
      // A new check-in replaces any open window.
      w = {
        event: ev.id,
        start: at,
        end: addDuration(at, inst.window.amount, inst.window.unit, p.clock),
        spend: 0,
        points: 0,
        unlocked: false,
      };
      m.windows[inst.name] = w;
    }
    if (w === undefined) continue;
    if (at >= w.end) {
      delete m.windows[inst.name];
      continue;
    }
    if (at < w.start) continue;
    if (self && ev.type === "invoice.paid") {
      const inv = m.invoices[ev.invoice!.id];
      if (inv !== undefined && inv.event === ev.id) w.spend += inv.eligible;
    }
    w.points += pointsOf(ev, out, memberId);
    if (w.unlocked || p.status === "off" || m.excluded === true) continue;
    c ??= new EvalContext(ev, m, null, p.clock);
    c.window = w;
    if (inDuring(inst, c) && inst.when(c)) {
      w.unlocked = true;
      coupons(
        out,
        ev,
        memberId,
        inst.name,
        inst.coupons,
        inst.for === null ? null : iso(addDuration(at, inst.for.amount, inst.for.unit, p.clock)),
      );
    }
  }
}

/** Points awarded to this member by this event (scans only this event's effects). */
function pointsOf(ev: EngineEvent, out: Effect[], memberId: string): number {
  let sum = 0;
  for (let i = out.length - 1; i >= 0; i--) {
    const e = out[i]!;
    if (e.event !== ev.id) break;
    if (e.type === "award" && e.member === memberId) sum += e.points;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Voids, redemptions, adjustments (steps 8 and 9)

function voidInvoice(p: Program, m: MemberState, ev: EngineEvent, out: Effect[]): void {
  const id = ev.invoice?.id;
  const rec = id === undefined ? undefined : m.invoices[id];
  if (rec === undefined || rec.voided === true) return;
  rec.voided = true;
  m.paidInvoices -= 1;
  m.lifetimeSpend -= rec.eligible;
  for (const a of rec.awards) {
    m.balance -= a.points;
    if (a.limitKey !== undefined && (m.limits[a.limitKey] ?? 0) > 0) m.limits[a.limitKey]! -= 1;
    // SPEC 7: the cap room of the award's period is freed; its lot gives back first; points not
    // yet available are taken from those; `tiers by points` counts the award less its reversal.
    if (a.capKey !== undefined && m.caps?.[a.capKey] !== undefined) m.caps[a.capKey] = Math.max(0, m.caps[a.capKey]! - a.points);
    if (p.expire?.mode === "after_earning") consumeLots(m, a.points, a.lot);
    if (m.unavailable !== undefined) takeBack(m.unavailable, rec.event, a.rule, a.points);
    if (m.tierAwards !== undefined) takeBack(m.tierAwards, rec.event, a.rule, a.points);
    out.push({ type: "reversal", event: ev.id, member: ev.member, rule: a.rule, points: -a.points, reverses: rec.event });
  }
  // total_spend: the invoice's basis leaves the lifetime total, and what it settled (awarded,
  // or suppressed by accumulate) is unsettled, so the next invoice computes from a clean slate.
  if (rec.bases !== undefined) for (const [rule, b] of Object.entries(rec.bases)) m.basis[rule] = (m.basis[rule] ?? 0) - b;
  if (rec.settled !== undefined) for (const [rule, pts] of Object.entries(rec.settled)) m.settled[rule] = (m.settled[rule] ?? 0) - pts;
}

/** Lowers the (event, rule) entry of a list by what a reversal took back. */
function takeBack(list: { event: string; rule: string; points: number }[], event: string, rule: string, points: number): void {
  for (const x of list) {
    if (x.event === event && x.rule === rule) {
      x.points = Math.max(0, x.points - points);
      return;
    }
  }
}

/** Points awarded with `available after` that may not be redeemed yet at `at` (less what was reversed). */
export function pointsNotYetAvailable(m: MemberState, at: number): number {
  const list = m.unavailable;
  if (list === undefined || list.length === 0) return 0;
  let locked = 0;
  let keep = 0;
  for (const x of list) {
    if (x.until > at) locked += x.points;
    // Long available ones are dropped; recent ones stay for an event that arrives late.
    if (x.until > at - 90 * 86_400_000) list[keep++] = x;
  }
  list.length = keep;
  return locked;
}

function redeem(p: Program, m: MemberState, ev: EngineEvent, at: number, out: Effect[]): void {
  const points = ev.redemption?.points ?? 0;
  const reason =
    p.status === "off"
      ? "program_off"
      : p.status === "test"
        ? "test_mode"
        : m.excluded === true
          ? "excluded"
          : !Number.isInteger(points) || points <= 0
            ? "invalid_points"
            : points > m.balance - (m.unavailable === undefined ? 0 : pointsNotYetAvailable(m, Number.isNaN(at) ? Date.parse(ev.at) : at))
              ? "insufficient_points"
              : null;
  if (reason !== null) {
    out.push({ type: "rejected", event: ev.id, member: ev.member, reason });
    return;
  }
  m.balance -= points;
  out.push({ type: "redemption", event: ev.id, member: ev.member, points: -points });
  if (p.expire !== null) {
    if (p.expire.mode === "after_earning") consumeLots(m, points);
    else if (m.lastActivity === undefined || m.lastActivity === null || at > m.lastActivity) m.lastActivity = at;
  }
}

function adjust(p: Program, m: MemberState, ev: EngineEvent, at: number, out: Effect[]): void {
  const points = ev.adjustment?.points ?? 0;
  if (!Number.isInteger(points) || points === 0) return;
  if (points > 0 && m.excluded === true) {
    out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "excluded" });
    return;
  }
  m.balance += points;
  if (p.expire !== null) {
    if (points > 0) openLot(p, m, at, points);
    else if (p.expire.mode === "after_earning") consumeLots(m, -points);
  }
  const e: Effect = { type: "adjustment", event: ev.id, member: ev.member, points };
  if (ev.adjustment?.note !== undefined) e.note = ev.adjustment.note;
  out.push(e);
}

// ---------------------------------------------------------------------------------------------
// Manual rewards (step 7)

function manual(p: Program, m: MemberState, ev: EngineEvent, at: number, out: Effect[]): void {
  const name = ev.action?.name;
  const rule = name === undefined ? undefined : p.manual.get(name);
  if (rule === undefined) return;
  const c = new EvalContext(ev, m, null, p.clock);
  const limitUsed = (): { key: string | null; full: boolean } => {
    if (rule.limit === null) return { key: null, full: false };
    const key = limitKey(rule, c);
    return { key, full: (m.limits[key] ?? 0) >= rule.limit.count };
  };
  if (ev.type === "action.completed") {
    if (p.status === "off" || m.excluded === true) {
      out.push({ type: "rejected", event: ev.id, member: ev.member, reason: p.status === "off" ? "program_off" : "excluded" });
      return;
    }
    if (!inDuring(rule, c)) {
      out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "inactive" });
      return;
    }
    if (limitUsed().full) {
      out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "limit_reached" });
      return;
    }
    const req = { rule: rule.name, event: ev.id, at: ev.at } as MemberState["pending"][number];
    if (ev.action?.response !== undefined) req.response = ev.action.response;
    m.pending.push(req);
    const e: Effect = { type: "pending", event: ev.id, member: ev.member, rule: rule.name };
    if (req.response !== undefined) e.response = req.response;
    out.push(e);
    return;
  }
  const i = m.pending.findIndex((r) => r.rule === rule.name);
  if (i < 0) return;
  const req = m.pending[i]!;
  if (ev.type === "action.rejected") {
    m.pending.splice(i, 1);
    out.push({ type: "request_closed", event: ev.id, member: ev.member, rule: rule.name, request: req.event, outcome: "rejected" });
    return;
  }
  if (p.status === "off" || m.excluded === true) {
    // The request stays in the queue: it can be approved once the program is on again (or the
    // member is no longer excluded).
    out.push({ type: "rejected", event: ev.id, member: ev.member, reason: p.status === "off" ? "program_off" : "excluded" });
    return;
  }
  m.pending.splice(i, 1);
  const { key, full } = limitUsed();
  if (full) {
    out.push({ type: "request_closed", event: ev.id, member: ev.member, rule: rule.name, request: req.event, outcome: "limit_reached" });
    out.push({ type: "rejected", event: ev.id, member: ev.member, reason: "limit_reached" });
    return;
  }
  out.push({ type: "request_closed", event: ev.id, member: ev.member, rule: rule.name, request: req.event, outcome: "approved" });
  if (key !== null) m.limits[key] = (m.limits[key] ?? 0) + 1;
  for (const a of rule.awards) {
    if (a.to !== "member") continue;
    const why: Why =
      req.response === undefined ? { kind: "manual", request: req.event } : { kind: "manual", request: req.event, response: req.response };
    if (a.prize.points > 0) award(p, out, ev, ev.member, m, rule.name, a.prize.points, why, at);
    prizeCoupons(p, out, ev, ev.member, rule.name, a.prize);
  }
}

// ---------------------------------------------------------------------------------------------
// Merging two members (the product's duplicate merge)

const addCounts = (a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> => {
  const out = { ...a };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
};

/**
 * Both histories as one member: counts add up, invoices join (a later void still reverses), and
 * the SPEC 7 state is kept whole: both members' lots with their expiries (the source's renumbered,
 * its invoices' awards pointing at the new numbers), cap use, points not yet available, the
 * tier's history, and the later activity. The balance is the caller's (the ledger's) to set.
 */
export function mergeMemberStates(target: MemberState, source: MemberState): MemberState {
  const milestones = { ...target.milestones };
  for (const [rule, s] of Object.entries(source.milestones)) {
    const t = milestones[rule];
    milestones[rule] = t ? { ...t, tally: t.tally + s.tally } : s;
  }
  const offset = target.lotSeq ?? 0;
  const sourceInvoices: Record<string, InvoiceRecord> = {};
  for (const [id, rec] of Object.entries(source.invoices))
    sourceInvoices[id] =
      offset > 0 && rec.awards.some((a) => a.lot !== undefined)
        ? { ...rec, awards: rec.awards.map((a) => (a.lot === undefined ? a : { ...a, lot: a.lot + offset })) }
        : rec;
  const merged: MemberState = {
    ...target,
    paidInvoices: target.paidInvoices + source.paidInvoices,
    lifetimeSpend: target.lifetimeSpend + source.lifetimeSpend,
    basis: addCounts(target.basis, source.basis),
    settled: addCounts(target.settled, source.settled),
    invoices: { ...sourceInvoices, ...target.invoices },
    limits: addCounts(target.limits, source.limits),
    milestones,
    pending: [...target.pending, ...source.pending].sort((a, b) => a.at.localeCompare(b.at)),
  };
  if (target.lots !== undefined || source.lots !== undefined) {
    const lots = [...(target.lots ?? []), ...(source.lots ?? []).map((l) => ({ ...l, id: l.id + offset }))];
    lots.sort((a, b) => a.exp - b.exp || a.at - b.at || a.id - b.id);
    merged.lots = lots;
    merged.lotSeq = offset + (source.lotSeq ?? 0);
  }
  if (target.caps !== undefined || source.caps !== undefined) merged.caps = addCounts(target.caps, source.caps);
  if (target.unavailable !== undefined || source.unavailable !== undefined)
    merged.unavailable = [...(target.unavailable ?? []), ...(source.unavailable ?? [])];
  if (target.tierAwards !== undefined || source.tierAwards !== undefined)
    merged.tierAwards = [...(target.tierAwards ?? []), ...(source.tierAwards ?? [])].sort((a, b) => a.at - b.at);
  if (target.visitTimes !== undefined || source.visitTimes !== undefined)
    merged.visitTimes = [...(target.visitTimes ?? []), ...(source.visitTimes ?? [])].sort((a, b) => a - b);
  const activity = [target.lastActivity, source.lastActivity].filter((x): x is number => typeof x === "number");
  if (activity.length > 0) merged.lastActivity = Math.max(...activity);
  return merged;
}
