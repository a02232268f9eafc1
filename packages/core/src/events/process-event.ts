// One event through the write pipeline (record-events.ts), and the planning of effects into rows:
// what an event's outcome holds and which ledger entry, coupon, phase or request each effect
// becomes (one ledger entry per event, rule and recipient, with its explanation).

import { randomUUID } from "node:crypto";
import { actionRequests, type issuedCoupons, memberPhases, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import type { EntryKind, NewEntry } from "../ledger/append.ts";
import type { MemberRow } from "../members/shared.ts";
import type { Effect, EngineEvent } from "./engine.ts";
import type { PipelineSetup } from "./program.ts";
import { type RecordedEvent, recordEvents } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";

export interface EventOutcome {
  awards: { member: string; rule: string; points: number; entryId: string | null; why: unknown; available?: string }[];
  reversals: { member: string; rule: string; points: number; reverses: string; entryId: string | null }[];
  coupons: { member: string; rule: string; coupon: string; expires: string | null; couponId: string | null }[];
  phases: { member: string; rule: string; phase: string }[];
  pending: { member: string; rule: string; requestId: string | null }[];
  closed: { member: string; rule: string; request: string; outcome: string }[];
  redemptions: { member: string; points: number; entryId: string | null }[];
  adjustments: { member: string; points: number; entryId: string | null }[];
  rejected: { member: string; reason: string }[];
  /** Points that fell due and expired before this event (SPEC 7), each an `expiry` entry. */
  expirations?: { member: string; points: number; at: string; entryId: string | null }[];
  /** The member's tier for this event, when it differs from the one they last held (SPEC 7). */
  tiers?: { member: string; tier: string; from: string | null; value: number }[];
}

export type { RecordedEvent as ProcessedEvent } from "./record-events.ts";

export interface ProcessOptions {
  source?: string;
  setup?: PipelineSetup;
  /** Links the redemption entry to the order it paid for. */
  orderId?: string;
  note?: string;
  /** The member rows, when the caller has just read them (saves reading them again). */
  members?: Map<string, MemberRow>;
  /** Refuse the same external id with a different payload (see recordEvents). */
  conflictOnChange?: boolean;
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

/** One event through the pipeline (recordEvents), in the caller's transaction. */
export async function processEvent(tx: Tx, ctx: Ctx, input: EventInput, options: ProcessOptions = {}): Promise<RecordedEvent> {
  const [recorded] = await recordEvents(tx, ctx, [input], { ...options, priorOutcomes: true });
  return recorded!;
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
  /** Tier changes with their reason (the qualifying value at the event): audit rows `member.tier_changed`. */
  tierChanges: { memberId: string; eventId: string; at: string; tier: string; from: string | null; value: number }[];
}

/**
 * Plans effects into rows. An item's `eventId` is null for expirations booked by the sweep
 * (expireDueMembers): their entries belong to no event and are keyed by `sweep` (one run's id).
 */
export function planEffects(
  ctx: Ctx,
  items: { eventId: string | null; at: Date; effects: Effect[]; sweep?: string }[],
  versionId: string | null,
  options: Pick<ProcessOptions, "orderId" | "note">,
): EffectPlan {
  const plan: EffectPlan = { outcomes: [], entries: [], entrySlots: [], coupons: [], couponSlots: [], sideWrites: [], tierChanges: [] };
  const { entries, coupons, sideWrites } = plan;
  items.forEach(({ eventId: maybeEvent, at, effects, sweep }, event) => {
    const eventId = maybeEvent ?? "";
    const outcome = emptyOutcome();
    let expired = 0;
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
          const item: EventOutcome["awards"][number] = { member: e.member, rule: e.rule, points: e.points, entryId: null, why: e.why };
          if (e.available) item.available = e.available;
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
            // `available`: redeemable from then on (SPEC 7 `available after`); `multiplier`: the tier's, in hundredths.
            explanation: {
              rule: e.rule,
              ...e.why,
              ...(e.available ? { available: e.available } : {}),
              ...(e.multiplier !== undefined ? { multiplier: e.multiplier } : {}),
            },
          });
          break;
        }
        case "expiration": {
          if (e.points === 0) break;
          const item = { member: e.member, points: -Math.abs(e.points), at: e.at, entryId: null };
          outcome.expirations ??= [];
          outcome.expirations.push(item);
          expired++;
          push(item, {
            memberId: e.member,
            kind: "expiry",
            points: -Math.abs(e.points),
            // Before an event: keyed by it; by the sweep: by the sweep's run (its state is locked and moves with it).
            idempotencyKey: maybeEvent ? `ev:${eventId}:expiry:${e.member}:${expired}` : `sweep:${sweep}:expiry:${e.member}:${expired}`,
            at: new Date(e.at),
            eventId: maybeEvent,
            ruleSetVersionId: versionId,
            explanation: { expired: Math.abs(e.points), due: e.at, ...e.why },
          });
          break;
        }
        case "tier":
          outcome.tiers ??= [];
          outcome.tiers.push({ member: e.member, tier: e.tier, from: e.from, value: e.value });
          plan.tierChanges.push({ memberId: e.member, eventId, at: at.toISOString(), tier: e.tier, from: e.from, value: e.value });
          break;
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
