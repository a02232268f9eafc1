// The event pipeline, inside the caller's transaction: store the event once, lock the members it
// touches, run the engine on their persisted state, write every effect and the new state.
//
// Events may arrive in any order; the database path evaluates each one when it arrives, with its
// own `at` (a late event is judged by its own time against the state built so far). For events
// recorded in time order the outcome is exactly `tally simulate` on the same sequence.

import { randomUUID } from "node:crypto";
import { actionRequests, events, issuedCoupons, ledgerEntries, memberEngineStates, memberPhases, type Tx } from "@tally/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { appendEntries, type EntryKind, lockBalances, type NewEntry } from "../ledger/append.ts";
import { findMembers, type MemberRow } from "../members/shared.ts";
import { type Effect, type EngineEvent, freshMemberState, type MemberState, runEngine } from "./engine.ts";
import { loadSetup, type PipelineSetup } from "./program.ts";
import type { EventInput } from "./schemas.ts";

export interface EventOutcome {
  awards: { member: string; rule: string; points: number; entryId: string | null; why: unknown }[];
  reversals: { member: string; rule: string; points: number; reverses: string; entryId: string | null }[];
  coupons: { member: string; rule: string; coupon: string; expires: string | null; couponId: string | null }[];
  phases: { member: string; rule: string; phase: string }[];
  pending: { member: string; rule: string; requestId: string | null }[];
  closed: { member: string; rule: string; request: string; outcome: string }[];
  redemptions: { member: string; points: number; entryId: string | null }[];
  adjustments: { member: string; points: number; entryId: string | null }[];
  rejected: { member: string; reason: string }[];
}

export interface ProcessedEvent extends EventOutcome {
  eventId: string;
  externalId: string;
  /** True when this external id was recorded before: the first outcome is returned, nothing runs. */
  duplicate: boolean;
}

export interface ProcessOptions {
  source?: string;
  setup?: PipelineSetup;
  /** Links the redemption entry to the order it paid for. */
  orderId?: string;
  note?: string;
  /** The member rows, when the caller has just read them (saves reading them again). */
  members?: Map<string, MemberRow>;
}

export const emptyOutcome = (): EventOutcome => ({
  awards: [],
  reversals: [],
  coupons: [],
  phases: [],
  pending: [],
  closed: [],
  redemptions: [],
  adjustments: [],
  rejected: [],
});

const awardKind = (why: { kind: string } | undefined): EntryKind =>
  why?.kind === "earn" ? "earn" : why?.kind === "milestone" ? "milestone" : "reward";

/** The engine's view of an event: the stored payload with the member ids as they are. */
export function toEngineEvent(eventId: string, input: EventInput): EngineEvent {
  const { id: _external, ...rest } = input;
  return { ...rest, id: eventId } as EngineEvent;
}

export async function processEvent(tx: Tx, ctx: Ctx, input: EventInput, options: ProcessOptions = {}): Promise<ProcessedEvent> {
  const involved = [input.member];
  if (input.type === "referral.converted") {
    if (!input.referral?.referrer) throw new DomainError("INVALID_INPUT", "A referral needs its referrer.");
    if (input.referral.referrer === input.member) throw new DomainError("INVALID_INPUT", "A member cannot refer themself.");
    involved.push(input.referral.referrer);
  }
  const found =
    options.members && involved.every((id) => options.members!.has(id)) ? options.members : await findMembers(tx, ctx, involved);
  for (const id of involved) {
    const m = found.get(id);
    if (!m) throw new DomainError("NOT_FOUND", "Member not found.", { member: id });
    if (m.status === "merged")
      throw new DomainError("CONFLICT", "This member was merged into another record.", { member: id, mergedInto: m.mergedIntoId });
    if (m.status === "lead")
      throw new DomainError("FORBIDDEN", "A lead earns nothing until an admin converts it to a member.", { member: id });
  }

  const at = new Date(input.at);
  const [inserted] = await tx
    .insert(events)
    .values({
      practiceId: ctx.practiceId,
      externalId: input.id,
      type: input.type,
      at,
      memberId: input.member,
      payload: input as unknown as Record<string, unknown>,
      source: options.source ?? ctx.actor.kind,
    })
    .onConflictDoNothing({ target: [events.practiceId, events.externalId] })
    .returning({ id: events.id });
  if (!inserted) {
    // Recorded before (possibly by a concurrent transaction, whose commit the insert waited for).
    const [prior] = await tx
      .select({ id: events.id, outcome: events.outcome })
      .from(events)
      .where(and(eq(events.practiceId, ctx.practiceId), eq(events.externalId, input.id)));
    return { ...emptyOutcome(), ...(prior!.outcome as Partial<EventOutcome>), eventId: prior!.id, externalId: input.id, duplicate: true };
  }
  const eventId = inserted.id;

  // Lock order: balances (sorted by member id), then engine states — every writer takes them in
  // this order, so concurrent events on the same members queue and never deadlock.
  const balances = await lockBalances(tx, ctx.practiceId, involved);
  const stateRows = await tx
    .select({ memberId: memberEngineStates.memberId, state: memberEngineStates.state })
    .from(memberEngineStates)
    .where(and(eq(memberEngineStates.practiceId, ctx.practiceId), inArray(memberEngineStates.memberId, involved)))
    .for("update");
  const stored = new Map(stateRows.map((r) => [r.memberId, r.state as MemberState]));

  const setup = options.setup ?? (await loadSetup(tx, ctx.practiceId));
  const states: Record<string, MemberState> = {};
  for (const id of new Set(involved)) {
    const m = found.get(id)!;
    const profile = { tags: m.tags, birthday: m.birthday, registered: m.registered };
    const state = stored.get(id) ?? freshMemberState(profile);
    // The database is authoritative for the profile and the balance (refunds, merges and
    // cancellations write the ledger outside the engine).
    states[id] = { ...state, ...profile, balance: balances.get(id) ?? 0 };
  }

  const { effects, members: after } = runEngine(setup.program, states, toEngineEvent(eventId, input));
  const outcome = await writeEffects(tx, ctx, eventId, at, setup.versionId, effects, options);

  const stateValues = Object.entries(after).map(([memberId, state]) => ({
    memberId,
    practiceId: ctx.practiceId,
    state,
    updatedAt: new Date(),
  }));
  if (stateValues.length > 0) {
    await tx
      .insert(memberEngineStates)
      .values(stateValues)
      .onConflictDoUpdate({ target: memberEngineStates.memberId, set: { state: sqlExcluded("state"), updatedAt: new Date() } });
  }
  await tx
    .update(events)
    .set({ outcome: outcome as unknown as Record<string, unknown>, ruleSetVersionId: setup.versionId })
    .where(eq(events.id, eventId));
  return { ...outcome, eventId, externalId: input.id, duplicate: false };
}

const sqlExcluded = (column: string) => sql.raw(`excluded.${column}`);

async function writeEffects(
  tx: Tx,
  ctx: Ctx,
  eventId: string,
  at: Date,
  versionId: string | null,
  effects: Effect[],
  options: ProcessOptions,
): Promise<EventOutcome> {
  const [outcome] = await writeEffectsBatch(tx, ctx, [{ eventId, at, effects }], versionId, options);
  return outcome!;
}

/** Writes the effects of many events at once (the import's fast path): one insert per table. */
export async function writeEffectsBatch(
  tx: Tx,
  ctx: Ctx,
  items: { eventId: string; at: Date; effects: Effect[] }[],
  versionId: string | null,
  options: ProcessOptions,
): Promise<EventOutcome[]> {
  const plan = planEffects(ctx, items, versionId, options);
  await storeEffects(tx, ctx, plan);
  return plan.outcomes;
}

/** Effects turned into rows, ids chosen up front, so each event's outcome is known before any write. */
export interface EffectPlan {
  outcomes: EventOutcome[];
  entries: NewEntry[];
  /** Where each entry's id is reported: outcomes[event].<list>[index].entryId. */
  entrySlots: { event: number; item: { entryId: string | null } }[];
  coupons: (typeof issuedCoupons.$inferInsert)[];
  couponSlots: { event: number; item: { couponId: string | null } }[];
  /** Phases, manual requests and their closing, in effect order. */
  sideWrites: ((tx: Tx) => Promise<unknown>)[];
}

export function planEffects(
  ctx: Ctx,
  items: { eventId: string; at: Date; effects: Effect[] }[],
  versionId: string | null,
  options: ProcessOptions,
): EffectPlan {
  const plan: EffectPlan = { outcomes: [], entries: [], entrySlots: [], coupons: [], couponSlots: [], sideWrites: [] };
  const { entries, coupons, sideWrites } = plan;
  items.forEach(({ eventId, at, effects }, event) => {
    const outcome = emptyOutcome();
    plan.outcomes.push(outcome);
    const push = (item: { entryId: string | null }, entry: NewEntry) => {
      entry.id = randomUUID();
      item.entryId = entry.id;
      entries.push(entry);
      plan.entrySlots.push({ event, item });
    };
    for (const e of effects) {
      switch (e.type) {
        case "award": {
          if (e.points === 0) break;
          const item = { member: e.member, rule: e.rule, points: e.points, entryId: null, why: e.why };
          outcome.awards.push(item);
          push(item, {
            memberId: e.member,
            kind: awardKind(e.why),
            points: e.points,
            idempotencyKey: `ev:${eventId}:${e.rule}:${e.member}`,
            at,
            ruleName: e.rule,
            ruleSetVersionId: versionId,
            eventId,
            explanation: { rule: e.rule, ...e.why },
          });
          break;
        }
        case "reversal": {
          const item = { member: e.member, rule: e.rule, points: e.points, reverses: e.reverses, entryId: null };
          outcome.reversals.push(item);
          push(item, {
            memberId: e.member,
            kind: "reversal",
            points: -Math.abs(e.points),
            idempotencyKey: `ev:${eventId}:reversal:${e.rule}:${e.member}:${e.reverses}`,
            at,
            ruleName: e.rule,
            ruleSetVersionId: versionId,
            eventId,
            explanation: { rule: e.rule, reverses: e.reverses, reversesKey: `ev:${e.reverses}:${e.rule}:${e.member}` },
          });
          break;
        }
        case "redemption": {
          const item = { member: e.member, points: -Math.abs(e.points), entryId: null };
          outcome.redemptions.push(item);
          push(item, {
            memberId: e.member,
            kind: "redemption",
            points: -Math.abs(e.points),
            idempotencyKey: `ev:${eventId}:redemption:${e.member}`,
            at,
            eventId,
            orderId: options.orderId ?? null,
            explanation: { redeemed: Math.abs(e.points), order: options.orderId ?? null },
          });
          break;
        }
        case "adjustment": {
          const item = { member: e.member, points: e.points, entryId: null };
          outcome.adjustments.push(item);
          push(item, {
            memberId: e.member,
            kind: "adjustment",
            points: e.points,
            idempotencyKey: `ev:${eventId}:adjustment:${e.member}`,
            at,
            eventId,
            note: e.note ?? options.note ?? null,
            explanation: { adjusted: e.points, note: e.note ?? options.note ?? null },
          });
          break;
        }
        case "coupon": {
          const item = { member: e.member, rule: e.rule, coupon: e.coupon, expires: e.expires, couponId: randomUUID() as string | null };
          outcome.coupons.push(item);
          coupons.push({
            id: item.couponId!,
            practiceId: ctx.practiceId,
            memberId: e.member,
            coupon: e.coupon,
            ruleName: e.rule,
            eventId,
            issuedAt: at,
            expiresAt: e.expires ? new Date(e.expires) : null,
            idempotencyKey: `ev:${eventId}:${e.rule}:${e.member}:${e.coupon}:${outcome.coupons.length}`,
          });
          plan.couponSlots.push({ event, item });
          break;
        }
        case "phase":
          outcome.phases.push({ member: e.member, rule: e.rule, phase: e.phase });
          sideWrites.push((tx) =>
            tx
              .insert(memberPhases)
              .values({ practiceId: ctx.practiceId, memberId: e.member, ruleName: e.rule, phase: e.phase, eventId, achievedAt: at })
              .onConflictDoNothing(),
          );
          break;
        case "pending": {
          const requestId = randomUUID();
          outcome.pending.push({ member: e.member, rule: e.rule, requestId });
          sideWrites.push((tx) =>
            tx.insert(actionRequests).values({
              id: requestId,
              practiceId: ctx.practiceId,
              memberId: e.member,
              ruleName: e.rule,
              response: e.response ?? "",
              eventId,
              requestedAt: at,
            }),
          );
          break;
        }
        case "request_closed":
          outcome.closed.push({ member: e.member, rule: e.rule, request: e.request, outcome: e.outcome });
          sideWrites.push((tx) =>
            tx
              .update(actionRequests)
              .set({
                status: e.outcome === "approved" ? "approved" : "rejected",
                decidedEventId: eventId,
                decidedAt: at,
                decidedBy: ctx.actor.kind === "staff" ? ctx.actor.id : null,
              })
              .where(
                and(
                  eq(actionRequests.practiceId, ctx.practiceId),
                  eq(actionRequests.eventId, e.request),
                  eq(actionRequests.status, "pending"),
                ),
              ),
          );
          break;
        case "rejected":
          outcome.rejected.push({ member: e.member, reason: e.reason });
          break;
      }
    }
  });
  return plan;
}

/**
 * Writes a plan (the events' rows must exist). An entry or coupon whose idempotency key was
 * already taken is not written and its id in the outcome becomes null; returns the indexes of
 * the events whose outcome changed that way (none for new events, whose keys are new).
 */
export async function storeEffects(tx: Tx, ctx: Ctx, plan: EffectPlan): Promise<Set<number>> {
  const { entries, coupons } = plan;
  const changed = new Set<number>();
  for (const write of plan.sideWrites) await write(tx);
  // A reversal points at the entry it takes back (the award keyed by the voided payment).
  // The original may be in this same batch (an import paying and voiding).
  const reversalKeys = entries.filter((e) => e.kind === "reversal").map((e) => String(e.explanation?.reversesKey));
  if (reversalKeys.length > 0) {
    const idOf = new Map(entries.map((e) => [e.idempotencyKey, e.id!]));
    const stored = await tx
      .select({ id: ledgerEntries.id, key: ledgerEntries.idempotencyKey })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, ctx.practiceId), inArray(ledgerEntries.idempotencyKey, reversalKeys)));
    for (const o of stored) idOf.set(o.key, o.id);
    for (const e of entries) if (e.kind === "reversal") e.reversesEntryId = idOf.get(String(e.explanation?.reversesKey)) ?? null;
  }
  const written = new Set<string>();
  // Stay well under PostgreSQL's 65,535 bind parameters per statement.
  for (let i = 0; i < entries.length; i += 3000)
    for (const w of await appendEntries(tx, ctx, entries.slice(i, i + 3000))) written.add(w.id);
  for (const slot of plan.entrySlots) {
    if (slot.item.entryId && !written.has(slot.item.entryId)) {
      slot.item.entryId = null;
      changed.add(slot.event);
    }
  }
  if (coupons.length > 0) {
    const rows = await tx.insert(issuedCoupons).values(coupons).onConflictDoNothing().returning({ id: issuedCoupons.id });
    const ids = new Set(rows.map((r) => r.id));
    for (const slot of plan.couponSlots) {
      if (slot.item.couponId && !ids.has(slot.item.couponId)) {
        slot.item.couponId = null;
        changed.add(slot.event);
      }
    }
  }
  return changed;
}
