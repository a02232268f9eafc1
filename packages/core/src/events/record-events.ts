// The write pipeline. Every event, whatever its door (desk, kiosk and its batches, portal, the JSON
// endpoint, CSV imports, the nightly job, the seed), is recorded by `recordEvents`, in the caller's
// transaction:
//
//   identify the members → lock balances, then engine states (member id order) → skip what is
//   recorded already → engine, event by event in the given order → plan the effects → store
//
// The store step (store.ts) chooses how rows are written (one statement, or COPY for large
// batches on PostgreSQL); the rows are the same either way: one event row with its outcome, one
// ledger entry per (event, rule, recipient) with its explanation and rule version.
//
// Events may arrive in any order; each is judged by its own `at` against the state built so far.
// For events recorded in time order the outcome is exactly `tally simulate` on the same sequence.

import { randomBytes } from "node:crypto";
import type { Tx } from "@tally/db";
import { applyEvent, linesSignature, nextExpiry } from "@tally/rules";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { lockBalances } from "../ledger/append.ts";
import { findMembers, type MemberRow } from "../members/shared.ts";
import { enqueueCouponMessages } from "../messages/coupon-messages.ts";
import { query } from "../sql.ts";
import { audit } from "../verb.ts";
import { enqueueWebhooks, pipelineWebhookMessages } from "../webhooks/outbox.ts";
import { type Effect, freshMemberState, type MemberState } from "./engine.ts";
import { announceUnlocks, type UnlockNotice } from "./live.ts";
import {
  changedCounters,
  changedInvoices,
  changedMarks,
  counterNeedsOf,
  invoiceNeedsOf,
  loadMemberStates,
  markNeedsOf,
  withCounters,
  withInvoiceRecords,
  withMarks,
} from "./member-states.ts";
import { type EventOutcome, emptyOutcome, planEffects, toEngineEvent } from "./process-event.ts";
import { loadSetup, type PipelineSetup } from "./program.ts";
import type { EventInput } from "./schemas.ts";
import { type NewEvent, type StoreStrategy, storeEvents, storeStrategyFor } from "./store.ts";

export interface RecordOptions {
  /** Who recorded it: api, csv, import, kiosk, staff, member, seed, job... (the actor's kind by default). */
  source?: string;
  setup?: PipelineSetup;
  /** Links a redemption entry to the order it paid for. */
  orderId?: string;
  note?: string;
  /** The member rows, when the caller has just read them (saves reading them again). */
  members?: Map<string, EarningMember>;
  /** The external ids are new by construction (a kiosk visit's random id): skip looking them up. */
  fresh?: boolean;
  /** Return the first outcome of events recorded before (per-request callers); bulk callers skip it. */
  priorOutcomes?: boolean;
  /**
   * The same external id with a different payload is refused (CONFLICT naming what differs)
   * instead of answering the first outcome: `events.record`. Invoices are never refused: the
   * same invoice id paid with other lines is a revision (SPEC 5).
   */
  conflictOnChange?: boolean;
  /** Called after each new event is applied, with the states of its members as they stand then
   *  (read them there: they change with the next event). The kiosk shows them. */
  afterEach?: (index: number, states: Record<string, MemberState>) => void;
  /** Overrides the store strategy chosen by size and engine (tests compare them). */
  strategy?: StoreStrategy;
}

export interface RecordedEvent extends EventOutcome {
  eventId: string;
  externalId: string;
  /** True when this external id was recorded before: the first outcome is returned, nothing runs. */
  duplicate: boolean;
  /** An invoice paid again with other lines (recorded under `<id>~<revised event>`). */
  revision?: boolean;
}

/**
 * Another transaction recorded one of these external ids after this one looked (only possible
 * for an id reused across members): the transaction must roll back; running it again is safe.
 */
export class RecordedMeanwhile extends DomainError {
  constructor(cause: unknown) {
    super("CONFLICT", "This event was recorded by another request at the same moment. Please try again.");
    this.cause = cause;
  }
}

/** The members an event touches: its member, and a referral's referrer. */
function involvedIn(input: EventInput): string[] {
  if (input.type !== "referral.converted") return [input.member];
  if (!input.referral?.referrer) throw new DomainError("INVALID_INPUT", "A referral needs its referrer.");
  if (input.referral.referrer === input.member) throw new DomainError("INVALID_INPUT", "A member cannot refer themself.");
  return [input.member, input.referral.referrer];
}

/** Event ids in increasing order (time-ordered, version 7 layout): index inserts stay at the right edge. */
export function eventIdSource(): () => string {
  const ts = Date.now().toString(16).padStart(12, "0");
  const r = randomBytes(4).toString("hex");
  const prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r.slice(0, 3)}-${(8 + (Number.parseInt(r[3]!, 16) & 3)).toString(16)}${r.slice(4, 7)}-`;
  let n = Number.parseInt(randomBytes(2).toString("hex"), 16) * 2 ** 24;
  return () => `${prefix}${(n++).toString(16).padStart(12, "0")}`;
}

/** What the pipeline reads of a member. */
export type EarningMember = Pick<MemberRow, "id" | "status" | "mergedIntoId" | "tags" | "birthday" | "registered" | "excludedFromRewards">;

const CHUNK = 5000;
const chunksOf = <T>(list: T[]) => Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

export async function recordEvents(tx: Tx, ctx: Ctx, inputs: EventInput[], options: RecordOptions = {}): Promise<RecordedEvent[]> {
  if (inputs.length === 0) return [];
  const P = ctx.practiceId;

  const involved = inputs.map(involvedIn);
  const ids = [...new Set(involved.flat())].sort();
  // 2. Lock: balances (member id order), then engine states — every writer takes them in this
  // order, so concurrent events on the same members queue and never deadlock. The states, the
  // member rows and the recorded ids are read under the balance locks; a batch of one chunk
  // sends those reads together (one round trip: the database runs them in the order sent).
  // 3. What is recorded already is looked up under the locks (an event of these members recorded
  // by a transaction that held them is visible now). The same id twice in this batch: the first wins.
  let found: Map<string, EarningMember> | undefined = options.members;
  if (found && !ids.every((id) => found!.has(id))) found = undefined;
  const balances = new Map<string, number>();
  const stored = new Map<string, MemberState>();
  const prior = new Map<string, { id: string; outcome: unknown; payload?: unknown }>();
  const withOutcome = options.priorOutcomes ?? inputs.length <= 64;
  const withPayload = options.conflictOnChange === true;
  const externalIds = options.fresh ? [] : [...new Set(inputs.map((e) => e.id))];
  const readStates = async (chunk: string[]) => {
    for (const [k, v] of (await loadMemberStates(tx, P, chunk, { forUpdate: true })).states) stored.set(k, v);
  };
  const readMembers = async (chunk: string[]) => {
    found ??= new Map();
    for (const [k, v] of await findMembers(tx, ctx, chunk)) found.set(k, v);
  };
  const readPrior = async (chunk: string[]) => {
    const rows = await query<{ id: string; external_id: string; outcome: unknown; payload: unknown }>(
      tx,
      sql`select e.id, e.external_id, ${withOutcome ? sql`e.outcome` : sql`null`} as outcome, ${withPayload ? sql`e.payload` : sql`null`} as payload
          from jsonb_array_elements_text(${JSON.stringify(chunk)}::jsonb) as x(id)
          join events e on e.practice_id = ${P}::uuid and e.external_id = x.id`,
    );
    const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    for (const r of rows) prior.set(r.external_id, { id: r.id, outcome: json(r.outcome), payload: json(r.payload) });
  };
  if (ids.length <= CHUNK && externalIds.length <= CHUNK) {
    const [locked] = await Promise.all([
      lockBalances(tx, P, ids),
      readStates(ids),
      found ? null : readMembers(ids),
      externalIds.length > 0 ? readPrior(externalIds) : null,
    ]);
    for (const [k, v] of locked) balances.set(k, v);
  } else {
    for (const chunk of chunksOf(ids)) for (const [k, v] of await lockBalances(tx, P, chunk)) balances.set(k, v);
    for (const chunk of chunksOf(ids)) await readStates(chunk);
    if (!found) for (const chunk of chunksOf(ids)) await readMembers(chunk);
    for (const chunk of chunksOf(externalIds)) await readPrior(chunk);
  }

  // 1. Identify: every member involved exists here and may earn (checked once the reads are in:
  // nothing has been written yet, and the caller's transaction rolls the locks back).
  for (const id of ids) {
    const m = found!.get(id);
    if (!m) throw new DomainError("NOT_FOUND", "Member not found.", { member: id });
    if (m.status === "merged")
      throw new DomainError("CONFLICT", "This member was merged into another record.", { member: id, mergedInto: m.mergedIntoId });
    if (m.status === "lead")
      throw new DomainError("FORBIDDEN", "A lead earns nothing until an admin converts it to a member.", { member: id });
  }

  // 4. The engine, event by event, over the members' persisted state (the database is
  // authoritative for the profile and the balance: refunds, merges and cancellations write the
  // ledger outside the engine).
  const setup = options.setup ?? (await loadSetup(tx, P));
  const states: Record<string, MemberState> = {};
  for (const id of ids) {
    const m = found!.get(id)!;
    const profile = { tags: m.tags, birthday: m.birthday, registered: m.registered };
    const state: MemberState = { ...(stored.get(id) ?? freshMemberState(profile)), ...profile, balance: balances.get(id) ?? 0 };
    // Excluded from rewards (SPEC 3, the member row decides): the engine updates their facts and awards them nothing.
    if (m.excludedFromRewards === true) state.excluded = true;
    else delete state.excluded;
    states[id] = state;
  }
  // The invoice records the events name (voids, revisions) and, under `tiers by spend`, the tier
  // window's: their own rows, read under the states' locks.
  const loadedInvoices = await withInvoiceRecords(tx, P, states, invoiceNeedsOf(setup.program, inputs));
  // The limit and cap counters of the periods the events fall in (and of the awards a void takes back).
  const loadedCounters = await withCounters(tx, P, states, counterNeedsOf(setup.program, states, inputs));
  // Under `tiers by points` or `by visits`, the marks after the earliest event's window start (and
  // the awards a void takes back).
  const loadedMarks = await withMarks(tx, P, states, markNeedsOf(setup.program, states, inputs));
  const engine = { members: states, processed: {} as Record<string, true> };
  const nextId = eventIdSource();
  const fresh: { index: number; eventId: string; at: Date; effects: Effect[] }[] = [];
  const firstOf = new Map<string, number>();
  const touched = new Set<string>();
  const asStored: EventInput[] = [...inputs];
  const revised = new Set<number>();
  const shortfalls: { eventId: string; member: string; externalId: string }[] = [];
  inputs.forEach((input, index) => {
    if (prior.has(input.id) || firstOf.has(input.id)) {
      // The same invoice id paid with other lines than its current revision: a revision, recorded
      // under an id of its own (deterministic, so the same revised file twice records it once).
      const revises = input.type === "invoice.paid" ? revisedBy(engine.members[input.member], input) : null;
      if (revises === null) {
        if (options.conflictOnChange && prior.has(input.id)) refuseChanged(input, prior.get(input.id)!.payload);
        return;
      }
      asStored[index] = { ...input, id: `${input.id}~${revises}` };
      revised.add(index);
    } else firstOf.set(input.id, index);
    const eventId = nextId();
    const effects: Effect[] = [];
    applyEvent(setup.program, engine, toEngineEvent(eventId, input), effects);
    fresh.push({ index, eventId, at: new Date(input.at), effects });
    for (const id of involved[index]!) touched.add(id);
    // A reversal that leaves a balance below zero (SPEC 5: allowed, a redemption never is) is a
    // shortfall: written to the audit log, and the member shows in staff's shortfall report.
    for (const e of effects)
      if (
        e.type === "reversal" &&
        engine.members[e.member]!.balance < 0 &&
        !shortfalls.some((x) => x.eventId === eventId && x.member === e.member)
      )
        shortfalls.push({ eventId, member: e.member, externalId: asStored[index]!.id });
    if (options.afterEach) options.afterEach(index, Object.fromEntries(involved[index]!.map((id) => [id, engine.members[id]!])));
  });

  // 5. Plan every effect (ids chosen up front, so each event row is written once, whole), 6. store.
  const plan = planEffects(ctx, fresh, setup.versionId, options);
  const events: NewEvent[] = fresh.map((f, k) => ({ id: f.eventId, input: asStored[f.index]!, outcome: plan.outcomes[k]! }));
  if (events.length > 0) {
    const touchedStates = [...touched].sort().map((memberId) => ({
      memberId,
      state: engine.members[memberId]!,
      nextExpiry: nextExpiryAt(setup.program, engine.members[memberId]!),
    }));
    try {
      await storeEvents(
        tx,
        ctx,
        {
          events,
          plan,
          states: touchedStates,
          invoices: changedInvoices(touchedStates, loadedInvoices),
          counters: changedCounters(touchedStates, loadedCounters),
          marks: changedMarks(touchedStates, loadedMarks),
          versionId: setup.versionId,
          source: options.source ?? ctx.actor.kind,
        },
        options.strategy ?? storeStrategyFor(tx, events.length),
      );
    } catch (err) {
      if (pgCode(err) === "23505") throw new RecordedMeanwhile(err);
      throw err;
    }
    // Webhooks (points.*, reward.redeemed, coupon.unlocked): the outbox commits with the entries.
    const phases = plan.outcomes.flatMap((o, eventIndex) => o.phases.map((p) => ({ ...p, eventIndex })));
    await enqueueWebhooks(tx, P, pipelineWebhookMessages(plan.entries, plan.coupons, events, phases));
    // "You unlocked a coupon" to the patient (message outbox): committed with the coupons.
    if (plan.coupons.length > 0) await enqueueCouponMessages(tx, P, plan.coupons);
    // Instant rewards that unlocked: the staff live prompt, once this transaction commits. A
    // coupon already expired when it unlocked (a late import) reads as expired everywhere
    // (coupons.ts) and prompts nobody.
    if (plan.coupons.length > 0 && setup.program.instants.length > 0) {
      const instant = new Set(setup.program.instants.map((i) => i.name));
      const notices = new Map<string, UnlockNotice>();
      const now = new Date();
      for (const c of plan.coupons) {
        if (!instant.has(c.ruleName ?? "") || (c.expiresAt && c.expiresAt <= now)) continue;
        const key = `${c.eventId}|${c.memberId}`;
        const notice = notices.get(key) ?? { practiceId: P, memberId: c.memberId, at: (c.issuedAt as Date).toISOString(), coupons: [] };
        notice.coupons.push({ code: c.coupon, expiresAt: c.expiresAt?.toISOString() ?? null });
        notices.set(key, notice);
      }
      if (notices.size > 0) await announceUnlocks(tx, [...notices.values()]);
    }
    if (shortfalls.length > 0)
      await audit(
        tx,
        ctx,
        ...shortfalls.map((x) => ({
          action: "ledger.shortfall",
          targetType: "member",
          targetId: x.member,
          details: { event: x.eventId, externalId: x.externalId, balance: engine.members[x.member]!.balance },
        })),
      );
  }

  const outcomeOf = new Map(fresh.map((f, k) => [f.index, { eventId: f.eventId, outcome: plan.outcomes[k]! }]));
  return inputs.map((input, index) => {
    const mine = outcomeOf.get(index);
    if (mine) {
      const recorded: RecordedEvent = { ...mine.outcome, eventId: mine.eventId, externalId: asStored[index]!.id, duplicate: false };
      if (revised.has(index)) recorded.revision = true;
      return recorded;
    }
    const before = prior.get(input.id);
    if (before) {
      return { ...emptyOutcome(), ...(before.outcome as Partial<EventOutcome>), eventId: before.id, externalId: input.id, duplicate: true };
    }
    const first = outcomeOf.get(firstOf.get(input.id)!)!;
    return { ...first.outcome, eventId: first.eventId, externalId: input.id, duplicate: true };
  });
}

/** When this member's next points expire under the program (the expiry sweep's index), or null. */
export function nextExpiryAt(program: PipelineSetup["program"], state: MemberState): Date | null {
  const due = nextExpiry(program, state);
  return Number.isFinite(due) ? new Date(due) : null;
}

/** The engine id of the invoice revision this payment revises, or null (first payment, same lines, voided). */
function revisedBy(m: MemberState | undefined, input: EventInput): string | null {
  const record = m?.invoices[input.invoice!.id];
  if (!record || record.voided === true || record.sig === undefined) return null;
  return record.sig === linesSignature(input.invoice!.lines ?? []) ? null : record.event;
}

/** A reused event id with another payload: refused, naming the fields that differ. */
function refuseChanged(input: EventInput, before: unknown) {
  if (before === undefined || before === null) return;
  const was = before as Record<string, unknown>;
  const now = input as unknown as Record<string, unknown>;
  // A date-only invoice's instant is the importer's timing, not the source's (SPEC 5 step 6).
  const ours = was.dateOnly === true ? ["id", "at", "dateOnly"] : ["id"];
  const differs = [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .filter((k) => !ours.includes(k) && JSON.stringify(was[k] ?? null) !== JSON.stringify(now[k] ?? null))
    .sort();
  if (differs.length > 0)
    throw new DomainError("CONFLICT", `Event ${input.id} was recorded before with a different ${differs.join(", ")}.`, {
      id: input.id,
      differs,
    });
}

/** The SQLSTATE of a database error (drizzle wraps the driver's error as its cause). */
export function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** Deadlocks, serialisation failures and events recorded meanwhile: the transaction rolled back whole; run it again. */
export const isRetryable = (err: unknown) => err instanceof RecordedMeanwhile || ["40P01", "40001", "23505"].includes(pgCode(err) ?? "");

/** Runs a transaction of the pipeline again while it fails for a reason a retry fixes. */
export async function withRetry<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (!isRetryable(err) || i >= attempts) throw err;
    }
  }
}
